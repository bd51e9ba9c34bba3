"""No silent loss (issue 19 item 1): every email ends sent, or failed and visible.
A claim left "sending" by a worker that died is reconciled to failed with a
delivery failure an administrator sees (and counts on their home page); an email
whose task was lost is queued again. And one beat (item 4): a crontab slot is
claimed once, however many beats send it."""

import datetime as dt

import pytest
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from code4000.beat import crontab_slot, slot_claim_and_enqueue
from notifications.models import (
    BeatSlot,
    DeliveryFailure,
    Digest,
    DigestKind,
    EmailStatus,
    Notification,
    NotificationKind,
    OutboxMessage,
)
from notifications.services import (
    DELIVER_BATCH_TASK,
    PENDING_BOUND,
    SENDING_BOUND,
    stuck_emails_reconcile,
)
from notifications.tasks import MAX_RETRIES, relay_outbox

pytestmark = pytest.mark.django_db


def _notification(user, learner, **fields):
    return Notification.objects.create(
        recipient=user,
        kind=NotificationKind.REVIEW_DUE,
        learner=learner,
        object_type="learners.learner",
        object_id=str(learner.pk),
        due_on=dt.date(2026, 11, 20),
        summary="Progress review due",
        **fields,
    )


def test_a_claim_stuck_in_sending_becomes_a_visible_failure(tutor, learner):
    now = timezone.now()
    stuck = _notification(
        tutor,
        learner,
        email_status=EmailStatus.SENDING,
        emailed_at=now - SENDING_BOUND - dt.timedelta(seconds=1),
        email_attempts=1,
    )
    recent = Notification.objects.create(
        recipient=tutor,
        kind=NotificationKind.REVIEW_OVERDUE,
        learner=learner,
        object_type="learners.learner",
        object_id=str(learner.pk),
        due_on=dt.date(2026, 11, 20),
        summary="Progress review overdue",
        email_status=EmailStatus.SENDING,
        emailed_at=now - dt.timedelta(seconds=5),
    )
    digest = Digest.objects.create(
        recipient=tutor,
        kind=DigestKind.DAILY,
        period_start=dt.date(2026, 11, 16),
        email_status=EmailStatus.SENDING,
        emailed_at=now - SENDING_BOUND - dt.timedelta(minutes=1),
    )

    counts = stuck_emails_reconcile(now=now)
    assert counts["failed_stuck"] == 2
    stuck.refresh_from_db()
    recent.refresh_from_db()
    digest.refresh_from_db()
    assert stuck.email_status == EmailStatus.FAILED
    assert digest.email_status == EmailStatus.FAILED
    assert recent.email_status == EmailStatus.SENDING  # a live worker may still be sending
    failure = DeliveryFailure.objects.get(notification=stuck)
    assert "may not have arrived" in failure.error
    assert DeliveryFailure.objects.filter(digest=digest).exists()
    # Settled once: a second run records nothing more.
    assert stuck_emails_reconcile(now=now)["failed_stuck"] == 0
    assert DeliveryFailure.objects.count() == 2


def test_a_pending_email_whose_task_was_lost_is_queued_again_then_failed(tutor, learner):
    now = timezone.now()
    lost = _notification(tutor, learner, created_at=now - PENDING_BOUND - dt.timedelta(minutes=1))
    counts = stuck_emails_reconcile(now=now)
    assert counts["requeued"] == 1
    message = OutboxMessage.objects.get(task_name=DELIVER_BATCH_TASK)
    assert message.args == [[lost.pk]]
    # Not again within the bound ...
    assert stuck_emails_reconcile(now=now + dt.timedelta(minutes=5))["requeued"] == 0
    # ... and after every attempt, failed and visible rather than queued for ever.
    Notification.objects.filter(pk=lost.pk).update(email_attempts=MAX_RETRIES + 1)
    later = now + PENDING_BOUND + dt.timedelta(minutes=1)
    assert stuck_emails_reconcile(now=later)["failed_exhausted"] == 1
    lost.refresh_from_db()
    assert lost.email_status == EmailStatus.FAILED
    assert DeliveryFailure.objects.filter(notification=lost).exists()


def test_the_relay_task_reconciles_too(tutor, learner, celery_eager):
    stuck = _notification(
        tutor,
        learner,
        email_status=EmailStatus.SENDING,
        emailed_at=timezone.now() - SENDING_BOUND - dt.timedelta(minutes=1),
    )
    relay_outbox.apply()
    stuck.refresh_from_db()
    assert stuck.email_status == EmailStatus.FAILED


def test_administrators_see_the_count_on_their_home_page(
    client, make_user, tutor, learner, regional_manager
):
    administrator = make_user(Role.ADMINISTRATOR)
    notification = _notification(tutor, learner, email_status=EmailStatus.FAILED)
    DeliveryFailure.objects.create(
        notification=notification, recipient=tutor, attempts=6, error="refused"
    )
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="delivery-failure-count">1<' in page
    assert "1 reminder email could not be delivered" in page
    client.force_login(regional_manager)
    assert "delivery-failure-count" not in client.get(reverse("home")).content.decode()


def test_a_crontab_slot_is_the_minute_the_schedule_fired():
    daily = crontab(minute=0, hour=6)
    late_tick = dt.datetime(2026, 11, 16, 6, 0, 59, tzinfo=dt.UTC)
    next_minute = dt.datetime(2026, 11, 16, 6, 1, 2, tzinfo=dt.UTC)
    restarted = dt.datetime(2026, 11, 16, 6, 0, 30, tzinfo=dt.UTC)
    slots = {crontab_slot(daily, moment) for moment in (late_tick, next_minute, restarted)}
    assert slots == {dt.datetime(2026, 11, 16, 6, 0, tzinfo=dt.UTC)}
    assert crontab_slot(daily, dt.datetime(2026, 11, 17, 6, 0, 1, tzinfo=dt.UTC)) == (
        dt.datetime(2026, 11, 17, 6, 0, tzinfo=dt.UTC)
    )


def test_a_slot_is_claimed_and_queued_once():
    slot = dt.datetime(2026, 11, 16, 6, 0, tzinfo=dt.UTC)
    task = "notifications.run_reminder_sweep"
    assert slot_claim_and_enqueue(task_name=task, slot=slot, args=[], kwargs={}) is True
    assert slot_claim_and_enqueue(task_name=task, slot=slot, args=[], kwargs={}) is False
    assert BeatSlot.objects.count() == 1
    assert OutboxMessage.objects.filter(task_name=task).count() == 1
