import datetime as dt

import pytest
from django.utils import timezone

from reviews.tasks import schedule_refresh_all_task, schedule_refresh_task
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def test_schedule_refresh_task_sets_and_clears_the_next_review_date(prison):
    intake = timezone.localdate() - dt.timedelta(days=10)
    learner = LearnerFactory(prison=prison, intake_completed_on=intake)
    assert schedule_refresh_task(learner.pk) == (intake + dt.timedelta(weeks=12)).isoformat()
    learner.custody_status = "released"
    learner.save()
    assert schedule_refresh_task(learner.pk) is None
    learner.refresh_from_db()
    assert learner.next_review_due_on is None
    assert schedule_refresh_task(learner.pk + 1000) is None


def test_schedule_refresh_all_task(prison):
    LearnerFactory.create_batch(3, prison=prison, intake_completed_on=timezone.localdate())
    LearnerFactory(prison=prison)  # no intake yet
    assert schedule_refresh_all_task() == 3


@pytest.mark.django_db
def test_the_nightly_refresh_is_scheduled_for_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Refresh review due dates")
    assert task.task == "reviews.tasks.schedule_refresh_all_task"
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("1", "15")
