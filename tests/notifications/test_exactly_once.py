"""Exactly once: a second sweep, a concurrent sweep, a redelivered task or two
workers at once never make a second notification or a second email."""

import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from freezegun import freeze_time

from notifications.models import EmailStatus, Notification, OutboxMessage
from notifications.services import notification_email_deliver, reminders_run
from notifications.tasks import deliver_notification_email

SWEEP_DAY = "2026-11-16 06:00:00"


@pytest.mark.django_db
def test_the_database_refuses_a_second_notification_for_the_same_key(referred, rm):
    with freeze_time(SWEEP_DAY):
        reminders_run()
    first = Notification.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=rm,
            kind=first.kind,
            learner=referred,
            object_type=first.object_type,
            object_id=first.object_id,
            due_on=first.due_on,
            summary="copy",
        )


@pytest.mark.django_db
def test_running_the_sweep_twice_makes_one_notification_and_queues_one_email(referred, rm):
    with freeze_time(SWEEP_DAY):
        first = reminders_run()
        second = reminders_run()
    assert (first.created, second.created) == (1, 0)
    assert (first.emails_queued, second.emails_queued) == (1, 0)
    assert Notification.objects.count() == 1
    outbox = OutboxMessage.objects.get()
    assert outbox.task_name == "notifications.deliver_notification_emails"
    assert outbox.args == [[Notification.objects.get().pk]]


@pytest.mark.django_db
def test_a_task_delivered_twice_sends_one_email(referred, rm):
    with freeze_time(SWEEP_DAY):
        reminders_run()
    notification = Notification.objects.get()
    assert deliver_notification_email.apply(args=[notification.pk]).get() == "sent"
    assert deliver_notification_email.apply(args=[notification.pk]).get() == "nothing to do"
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_a_worker_that_died_after_its_claim_does_not_cause_a_second_email(referred, rm):
    """At most one email: a claim held by a dead worker is never re-sent."""
    with freeze_time(SWEEP_DAY):
        reminders_run()
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(
        emailed_at="2026-11-16T06:00:01Z", email_status=EmailStatus.SENDING
    )
    assert notification_email_deliver(notification.pk) == "nothing to do"
    assert mail.outbox == []


def _in_threads(count: int, target) -> list:
    barrier = threading.Barrier(count)
    results: list = []
    errors: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_make_one_notification(referred, rm):
    with freeze_time(SWEEP_DAY):
        results = _in_threads(4, lambda: reminders_run().created)
    assert sorted(results) == [0, 0, 0, 1]
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_notification_send_one_email(referred, rm):
    with freeze_time(SWEEP_DAY):
        reminders_run()
    pk = Notification.objects.get().pk
    results = _in_threads(4, lambda: notification_email_deliver(pk))
    assert sorted(results).count("sent") == 1
    assert len(mail.outbox) == 1
