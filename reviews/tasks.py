"""Background jobs: take ids, are safe to run twice."""

from celery import shared_task

from learners.models import Learner
from reviews.refresh import schedule_refresh_all
from reviews.services import schedule_refresh


@shared_task
def schedule_refresh_task(learner_id: int) -> str | None:
    """Recompute one learner's next review date (e.g. after the intake or a release)."""
    learner = Learner.objects.filter(pk=learner_id).first()
    if learner is None:
        return None
    due_on = schedule_refresh(learner).stored_due_on
    return due_on.isoformat() if due_on else None


@shared_task
def schedule_refresh_all_task() -> int:
    """Nightly: recompute every learner who may have a review date, so dates that
    depend on today (the pre-release review 'today if four weeks before release has
    passed') stay right. Batched (reviews.refresh). Returns how many learners were
    looked at."""
    return schedule_refresh_all().looked_at
