"""Immediate, daily digest or off; and the weekly digest for regional managers."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import Role
from learners.models import CourseStatus
from notifications.models import (
    Digest,
    EmailMode,
    EmailStatus,
    Notification,
    NotificationPreference,
)
from notifications.services import reminders_run
from notifications.tasks import (
    deliver_daily_digest,
    deliver_notification_email,
    deliver_weekly_digest,
    send_daily_digests,
    send_weekly_digests,
)
from tests.factories import LearnerFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


def _sweep():
    with freeze_time("2026-11-16 06:00:00"):
        return reminders_run()


def _second_intake(prison, rm):
    return LearnerFactory(
        prison=prison,
        first_name="Alex",
        last_name="Reid",
        course_status=CourseStatus.REFERRED,
        joined_on=TODAY - dt.timedelta(days=20),
        regional_manager=rm,
    )


def test_email_off_keeps_the_notification_in_the_app_and_sends_nothing(referred, rm):
    NotificationPreference.objects.create(user=rm, email_mode=EmailMode.OFF)
    result = _sweep()
    assert result.emails_queued == 0
    notification = Notification.objects.get()
    assert notification.email_status == EmailStatus.SKIPPED
    assert deliver_notification_email.apply(args=[notification.pk]).get() == "nothing to do"
    assert mail.outbox == []


def test_turning_email_off_after_the_sweep_still_stops_the_email(referred, rm):
    _sweep()
    NotificationPreference.objects.create(user=rm, email_mode=EmailMode.OFF)
    assert deliver_notification_email.apply(args=[Notification.objects.get().pk]).get() == (
        "skipped"
    )
    assert mail.outbox == []


def test_a_daily_digest_sends_every_waiting_reminder_in_one_email_once(referred, rm, prison):
    _second_intake(prison, rm)
    NotificationPreference.objects.create(user=rm, email_mode=EmailMode.DAILY)
    result = _sweep()
    assert result.created == 2
    assert result.emails_queued == 0
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.DIGEST}
    with freeze_time("2026-11-16 07:00:00"):
        assert send_daily_digests.apply().get() == 1
        assert deliver_daily_digest.apply(args=[rm.pk, "2026-11-16"]).get() == "sent"
        assert deliver_daily_digest.apply(args=[rm.pk, "2026-11-16"]).get() == ("claimed elsewhere")
    assert len(mail.outbox) == 1
    digest_email = mail.outbox[0]
    assert digest_email.subject == "Your daily reminders: 2 items"
    assert "Jamie Doyle (A1234BC)" in digest_email.body
    assert "Alex Reid" in digest_email.alternatives[0][0]
    assert set(Notification.objects.values_list("email_status", flat=True)) == {
        EmailStatus.IN_DIGEST
    }
    assert Digest.objects.get().email_status == EmailStatus.SENT


def test_a_digest_that_fails_is_retried_with_the_same_reminders(referred, rm, flaky_mail):
    NotificationPreference.objects.create(user=rm, email_mode=EmailMode.DAILY)
    _sweep()
    flaky_mail.failures = 1
    assert deliver_daily_digest.apply(args=[rm.pk, "2026-11-16"]).get() == "sent"
    assert len(mail.outbox) == 1
    assert "Jamie Doyle" in mail.outbox[0].body


def test_the_weekly_digest_lists_due_work_at_the_managers_prisons_only(
    referred, rm, prison, other_prison, make_user
):
    LearnerFactory(
        prison=other_prison,
        last_name="Elsewhere",
        course_status=CourseStatus.REFERRED,
        joined_on=TODAY - dt.timedelta(days=40),
    )
    make_user(Role.REGIONAL_MANAGER, [other_prison], full_name="Other Manager")
    make_user(Role.TUTOR, [prison], full_name="Tutors get no weekly digest")
    with freeze_time("2026-11-18 07:30:00"):
        assert send_weekly_digests.apply().get() == 2
        assert deliver_weekly_digest.apply(args=[rm.pk, "2026-11-16"]).get() == "sent"
        assert deliver_weekly_digest.apply(args=[rm.pk, "2026-11-16"]).get() == (
            "claimed elsewhere"
        )
    assert len(mail.outbox) == 1
    weekly = mail.outbox[0]
    assert weekly.to == [rm.email]
    assert "week of 16 November 2026" in weekly.subject
    assert "Jamie Doyle (A1234BC)" in weekly.body
    assert "Elsewhere" not in weekly.body


def test_a_manager_can_turn_the_weekly_digest_off(rm, client):
    client.force_login(rm)
    response = client.post(
        reverse("notifications:preferences"), {"email_mode": "daily", "weekly_digest": ""}
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=rm)
    assert (preference.email_mode, preference.weekly_digest) == ("daily", False)
    assert send_weekly_digests.apply().get() == 0


def test_the_preferences_page_shows_the_choices_and_refuses_a_missing_one(tutor, client):
    client.force_login(tutor)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Email me one daily digest" in html
    assert "weekly digest" not in html  # regional managers only
    bad = client.post(reverse("notifications:preferences"), {"email_mode": "sometimes"})
    assert bad.status_code == 400
    assert "Error: Reminder preferences" in bad.content.decode()
    assert not NotificationPreference.objects.exists()
    good = client.post(reverse("notifications:preferences"), {"email_mode": "off"})
    assert good.status_code == 302
    assert NotificationPreference.objects.get(user=tutor).email_mode == EmailMode.OFF
