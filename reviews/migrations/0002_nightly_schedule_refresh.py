"""Every night, recompute next review dates that depend on today (a pre-release
review due 'today' once four weeks before release has passed)."""

from django.db import migrations

from code4000.schedules import BEAT_DEPENDENCY, daily_task_operation


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), BEAT_DEPENDENCY]
    operations = [
        daily_task_operation(
            name="Refresh review due dates",
            task="reviews.tasks.schedule_refresh_all_task",
            hour=1,
            minute=15,
            description=(
                "Recomputes the next review date of every learner who may have one, so "
                "dates that depend on today stay right before the reminder sweep."
            ),
        )
    ]
