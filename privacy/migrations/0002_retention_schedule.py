"""The nightly "Apply the retention policy" task, visible and adjustable in the
admin (Periodic tasks). Celery beat reads it from the database."""

from django.db import migrations

from code4000.schedules import BEAT_DEPENDENCY, daily_task_operation


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_retention_run"), BEAT_DEPENDENCY]
    operations = [
        daily_task_operation(
            name="Apply the retention policy",
            task="privacy.tasks.apply_retention_task",
            hour=2,
            minute=30,
            description=(
                "Anonymises learner records past the retention date and removes old "
                "audit events and sign-in attempts (settings.RETENTION_POLICY). "
                "Each run is recorded under Data protection > Retention runs."
            ),
        )
    ]
