"""Every morning, ask released learners whose follow-up is due (and who consented
to contact after release) how they are doing (issue 18)."""

from django.db import migrations

from code4000.schedules import BEAT_DEPENDENCY, daily_task_operation


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_beat_slots_and_email_requeue"), BEAT_DEPENDENCY]
    operations = [
        daily_task_operation(
            name="Ask released learners how they are doing",
            task="notifications.send_self_report_invitations",
            hour=10,
            minute=0,
            description=(
                "Sends each released learner who consented to contact after release a "
                "single-use link at each follow-up (at most once per follow-up)."
            ),
        )
    ]
