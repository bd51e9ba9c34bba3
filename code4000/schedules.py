"""Periodic tasks that ship with the app. Each is created by a data migration, so
beat (django-celery-beat's database scheduler) runs it from the first deploy, and
an administrator can see, move or pause it in the admin (Periodic tasks)."""

from django.db import migrations

BEAT_DEPENDENCY = ("django_celery_beat", "0019_alter_periodictasks_options")


def daily_task_operation(
    *, name: str, task: str, hour: int, minute: int, description: str
) -> migrations.RunPython:
    """A migration operation that schedules `task` every day at hour:minute, London time."""

    def create(apps, schema_editor) -> None:
        crontab, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/London",
        )
        apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "enabled": True,
                "description": description,
            },
        )

    def remove(apps, schema_editor) -> None:
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
