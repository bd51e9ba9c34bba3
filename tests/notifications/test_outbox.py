"""The outbox: broker work is written to the database first, a page saves in
well under two seconds while the broker is down, the outage is logged once,
and the work goes out when the broker answers again."""

import datetime as dt
import logging
import time

import pytest
from django.conf import settings
from django.utils import timezone

from code4000.celery import app
from notifications import outbox
from notifications.models import OutboxMessage
from notifications.tasks import relay_outbox, send_test_email

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:1/7"


@pytest.fixture
def broker_down():
    real = app.conf.broker_url
    app.conf.broker_url = NOWHERE
    yield
    app.conf.broker_url = real


def test_delay_on_commit_writes_the_outbox_row_in_the_transaction(tutor):
    send_test_email.delay_on_commit(tutor.pk)
    row = OutboxMessage.objects.get()
    assert (row.task_name, row.args, row.dispatched_at) == (
        "notifications.send_test_email",
        [tutor.pk],
        None,
    )


def test_while_the_broker_is_down_rows_wait_and_the_outage_is_logged_once(
    tutor, broker_down, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="notifications.outbox")
    started = time.monotonic()
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            send_test_email.delay_on_commit(tutor.pk)
    assert time.monotonic() - started < 2
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 5
    warnings = [r for r in caplog.records if "not answering" in r.getMessage()]
    assert len(warnings) == 1


def test_the_relay_sends_waiting_rows_when_the_broker_answers(
    tutor, caplog, django_capture_on_commit_callbacks
):
    real = app.conf.broker_url
    app.conf.broker_url = NOWHERE
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outbox.enqueue("notifications.no_such_task_for_the_test", 1)
    finally:
        app.conf.broker_url = real
    assert OutboxMessage.objects.get().dispatched_at is None
    caplog.set_level(logging.WARNING, logger="notifications.outbox")
    assert relay_outbox.apply().get() == 1
    assert OutboxMessage.objects.get().dispatched_at is not None
    assert any("answers again" in r.getMessage() for r in caplog.records)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")


def test_no_countdown_or_eta_beyond_the_visibility_timeout():
    limit = outbox.visibility_timeout()
    # Just above the longest task: a task of a worker that died runs again within minutes.
    assert settings.CELERY_TASK_TIME_LIMIT < limit <= settings.CELERY_TASK_TIME_LIMIT + 120
    with pytest.raises(ValueError, match="visibility"):
        send_test_email.apply_async(args=[1], countdown=limit + 1)
    with pytest.raises(ValueError, match="visibility"):
        send_test_email.apply_async(args=[1], eta=timezone.now() + dt.timedelta(seconds=limit + 60))
    with pytest.raises(ValueError, match="visibility"):
        outbox.enqueue("notifications.send_test_email", 1, countdown=limit * 2)


def test_dispatched_rows_are_cleared_after_a_week():
    old = timezone.now() - dt.timedelta(days=8)
    OutboxMessage.objects.create(task_name="x", created_at=old, dispatched_at=old)
    outbox.relay_pending()
    assert not OutboxMessage.objects.exists()
