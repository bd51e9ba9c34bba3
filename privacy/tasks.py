from celery import shared_task

from privacy.models import RetentionTrigger
from privacy.services import retention_apply

RETENTION_TASK = "privacy.tasks.apply_retention_task"


@shared_task(name=RETENTION_TASK)
def apply_retention_task() -> int:
    """Nightly, from the "Apply the retention policy" periodic task. Safe to run twice:
    a learner already anonymised is not due again."""
    return retention_apply(dry_run=False, trigger=RetentionTrigger.SCHEDULE).pk
