"""The nightly "Apply the retention policy" task, visible and adjustable in the
admin (Periodic tasks). Celery beat reads it from the database."""

from django.db import migrations

TASK_NAME = "Apply the retention policy"


def create_schedule(apps, schema_editor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "privacy.tasks.apply_retention_task",
            "crontab": crontab,
            "enabled": True,
            "description": (
                "Anonymises learner records past the retention date and removes old "
                "audit events and sign-in attempts (settings.RETENTION_POLICY). "
                "Each run is recorded under Data protection > Retention runs."
            ),
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_retention_run"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
