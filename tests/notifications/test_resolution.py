"""Reminders leave the unread list by themselves once the work is no longer due."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from notifications.models import Notification, NotificationKind
from notifications.selectors import unread_count_for_user
from notifications.services import reminders_run
from tests.factories import LearnerFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


def _sweep(day: str):
    with freeze_time(f"{day} 06:00:00"):
        return reminders_run()


def test_an_intake_held_resolves_its_reminder_on_the_next_sweep(referred, rm, client):
    _sweep("2026-11-16")
    assert unread_count_for_user(rm) == 1
    referred.intake_completed_on = TODAY
    referred.course_status = "active"
    referred.save()
    result = _sweep("2026-11-17")
    assert result.resolved == 1
    notification = Notification.objects.get()
    assert notification.resolved_at is not None
    assert notification.read_at is None
    assert unread_count_for_user(rm) == 0
    client.force_login(rm)
    html = client.get(reverse("notifications:list") + "?show=all").content.decode()
    assert "No longer due" in html


def test_a_due_review_that_goes_overdue_replaces_its_reminder(prison, tutor, rm):
    LearnerFactory(
        prison=prison,
        tutor=tutor,
        regional_manager=rm,
        intake_completed_on=TODAY - dt.timedelta(days=80),
        next_review_due_on=TODAY + dt.timedelta(days=1),
    )
    _sweep("2026-11-16")
    _sweep("2026-11-18")
    open_kinds = list(
        Notification.objects.filter(resolved_at__isnull=True).values_list("kind", flat=True)
    )
    assert open_kinds == [NotificationKind.REVIEW_OVERDUE]
    assert unread_count_for_user(tutor) == 1


def test_a_sweep_of_another_day_resolves_nothing(referred, rm):
    _sweep("2026-11-16")
    with freeze_time("2026-11-16 06:00:00"):
        result = reminders_run(today=dt.date(2026, 10, 1))
    assert result.resolved == 0
    assert Notification.objects.get().resolved_at is None
