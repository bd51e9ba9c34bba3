"""Integration: a real Celery worker on the real Redis (REDIS_URL, db 7 under
`make test`) and the real test database. The worker runs in threads of this
process, so Django's locmem email backend captures what it sends."""

import datetime as dt
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from code4000.celery import app
from notifications.models import (
    EmailStatus,
    Notification,
    NotificationKind,
    OutboxMessage,
    SweepRun,
)
from notifications.tasks import relay_outbox, run_reminder_sweep
from reviews.schedule import REVIEW_INTERVAL
from reviews.services import review_save, review_start, schedule_refresh
from tests.factories import LearnerFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

NOWHERE = "redis://127.0.0.1:1/7"


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("The worker did not finish in time.")


@pytest.fixture
def worker():
    assert app.conf.broker_url.startswith("redis://"), "run with REDIS_URL set (make test)"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"
    ) as running:
        yield running


@pytest.fixture
def due_review(prison, tutor):
    """A learner whose progress review falls due in three days (by the reviews
    app's schedule service)."""
    learner = LearnerFactory(
        prison=prison,
        first_name="Jamie",
        last_name="Doyle",
        prison_number="A1234BC",
        tutor=tutor,
        intake_completed_on=timezone.localdate() + dt.timedelta(days=3) - REVIEW_INTERVAL,
        expected_release_on=timezone.localdate() + dt.timedelta(days=800),
    )
    schedule_refresh(learner)
    return learner


def test_a_due_review_makes_one_notification_and_one_email_however_often_the_sweep_runs(
    worker, due_review, tutor
):
    run_reminder_sweep.delay()
    wait_for(lambda: len(mail.outbox) == 1)
    # Run again, then twice at the same time on the two worker threads.
    run_reminder_sweep.delay()
    run_reminder_sweep.delay()
    run_reminder_sweep.delay()
    wait_for(lambda: SweepRun.objects.filter(finished_at__isnull=False).count() == 4)
    relay_outbox.delay()
    time.sleep(1.0)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (tutor, NotificationKind.REVIEW_DUE)
    assert notification.email_status == EmailStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tutor.email]
    assert "Progress review for Jamie Doyle (A1234BC) is due on" in mail.outbox[0].body
    assert sorted(SweepRun.objects.values_list("created", flat=True)) == [0, 0, 0, 1]


def test_with_the_broker_away_saving_is_fast_and_the_work_goes_when_it_returns(
    worker, tutor, client, due_review, caplog
):
    caplog.set_level(logging.WARNING, logger="notifications.outbox")
    client.force_login(tutor)
    real = app.conf.broker_url
    app.conf.broker_url = NOWHERE
    try:
        started = time.monotonic()
        review = review_start(actor=tutor, learner=due_review)
        review_save(
            actor=tutor,
            review=review,
            version=review.version,
            data={"held_on": timezone.localdate()},
            ratings={},
            complete=False,
        )
        response = client.post(reverse("notifications:test_email"))
        elapsed = time.monotonic() - started
        second = client.post(reverse("notifications:test_email"))
    finally:
        app.conf.broker_url = real
    assert response.status_code == second.status_code == 302
    assert elapsed < 2.0
    outage = [r for r in caplog.records if "not answering" in r.getMessage()]
    assert len(outage) == 1, "the outage is logged once, not per request"
    waiting = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    assert waiting.count() == 2
    time.sleep(1.0)
    assert mail.outbox == []
    # The broker answers again: the beat's next relay tick sends what waited.
    relay_outbox.delay()
    wait_for(lambda: len(mail.outbox) == 2)
    assert not waiting.exists()
    assert {m.subject for m in mail.outbox} == {"Learner Journey test email"}
