"""Mail-server errors: retried with backoff, then a failure an administrator sees."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from notifications import outbox
from notifications.models import DeliveryFailure, EmailStatus, Notification
from notifications.services import reminders_run
from notifications.tasks import (
    BACKOFF_MAX,
    MAX_RETRIES,
    backoff,
    deliver_notification_email,
    deliver_notification_emails,
)
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(referred, rm):
    with freeze_time("2026-11-16 06:00:00"):
        reminders_run()
    return Notification.objects.get()


def test_an_smtp_error_is_retried_and_the_email_goes_once(notification, flaky_mail):
    flaky_mail.failures = 2
    result = deliver_notification_email.apply(args=[notification.pk])
    assert result.get() == "sent"
    assert flaky_mail.attempts == 3
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT
    assert notification.email_attempts == 3
    assert not DeliveryFailure.objects.exists()


def test_after_every_retry_fails_a_failure_is_recorded_and_shown_to_administrators(
    notification, flaky_mail, client, administrator
):
    flaky_mail.failures = 100
    result = deliver_notification_email.apply(args=[notification.pk])
    assert result.get() == "failed"
    assert flaky_mail.attempts == MAX_RETRIES + 1
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    failure = DeliveryFailure.objects.get()
    assert failure.notification == notification
    assert failure.attempts == MAX_RETRIES + 1
    assert "Connection unexpectedly closed" in failure.error
    client.force_login(administrator)
    page = client.get(reverse("admin:notifications_deliveryfailure_changelist"))
    assert page.status_code == 200
    assert "Connection unexpectedly closed" in page.content.decode()


def test_backoff_grows_and_stays_inside_the_visibility_timeout():
    delays = [backoff(n) for n in range(MAX_RETRIES + 1)]
    assert delays[:3] == [30, 60, 120]
    assert delays == sorted(delays)
    assert max(delays) <= BACKOFF_MAX < outbox.visibility_timeout()


@pytest.fixture
def three(prison, rm):
    for n in range(3):
        LearnerFactory(
            prison=prison,
            last_name=f"Learner{n}",
            course_status="referred",
            joined_on=dt.date(2026, 10, 1),
            regional_manager=rm,
        )
    with freeze_time("2026-11-16 06:00:00"):
        reminders_run()
    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


def test_a_batch_retries_the_rest_together_and_sends_each_email_once(three, flaky_mail):
    flaky_mail.failures = 1
    assert deliver_notification_emails.apply(args=[three]).get() == 3
    assert len(mail.outbox) == 3
    assert flaky_mail.attempts == 4
    # Delivered again (a redelivery after a crash): nothing more goes.
    assert deliver_notification_emails.apply(args=[three]).get() == 0
    assert len(mail.outbox) == 3


def test_a_batch_that_never_gets_through_records_a_failure_for_each(three, flaky_mail):
    flaky_mail.failures = 1000
    deliver_notification_emails.apply(args=[three])
    assert flaky_mail.attempts == MAX_RETRIES + 1  # one per try, not one per email
    assert DeliveryFailure.objects.count() == 3
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.FAILED}
