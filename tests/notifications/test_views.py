"""The notifications page, mark as read, and the unread count in the header."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from notifications.models import Notification, NotificationKind, OutboxMessage
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def _notify(user, learner, *, days: int = 0, read: bool = False, **fields) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind=fields.pop("kind", NotificationKind.INTAKE_NOT_HELD),
        learner=learner,
        object_type="learners.learner",
        object_id=str(learner.pk),
        due_on=dt.date(2026, 11, 1) + dt.timedelta(days=days),
        summary=fields.pop("summary", f"Intake interview for {learner.display_name} not held."),
        read_at=timezone.now() if read else None,
        **fields,
    )


def test_the_header_shows_the_unread_count(client, rm, learner):
    _notify(rm, learner, days=1)
    _notify(rm, learner, days=2)
    _notify(rm, learner, days=3, read=True)
    client.force_login(rm)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2</strong>' in html


def test_the_list_shows_unread_reminders_with_an_empty_state_after_reading(client, rm, learner):
    notification = _notify(rm, learner)
    client.force_login(rm)
    page = client.get(reverse("notifications:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Intake interview for Jamie Doyle not held." in html
    assert html.count('data-testid="notification-row"') == 1
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="notifications-empty"' in html
    assert 'data-testid="unread-count"' not in html
    everything = client.get(reverse("notifications:list") + "?show=all").content.decode()
    assert "Intake interview for Jamie Doyle not held." in everything


def test_mark_all_as_read(client, rm, learner):
    for day in range(3):
        _notify(rm, learner, days=day)
    client.force_login(rm)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_somebody_elses_notification_is_404_and_stays_unread(client, rm, tutor, learner):
    notification = _notify(rm, learner)
    client.force_login(tutor)
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert "Jamie Doyle" not in client.get(reverse("notifications:list")).content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_reminders_about_learners_the_user_no_longer_covers_are_hidden(
    client, make_user, prison, other_prison
):
    moved_rm = make_user(Role.REGIONAL_MANAGER, [other_prison])
    learner = LearnerFactory(prison=prison, first_name="Hidden", last_name="Person")
    _notify(moved_rm, learner, summary="Intake interview for Hidden Person not held.")
    client.force_login(moved_rm)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Hidden Person" not in html
    assert 'data-testid="unread-count"' not in html


@pytest.mark.parametrize("size", [3, 40])
def test_the_list_query_count_does_not_grow(
    client, rm, prison, size, django_assert_max_num_queries
):
    for n in range(size):
        _notify(rm, LearnerFactory(prison=prison), days=n)
    client.force_login(rm)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count('data-testid="notification-row"') == min(size, 25)


def test_the_list_is_paginated(client, rm, prison):
    learner = LearnerFactory(prison=prison)
    for n in range(30):
        _notify(rm, learner, days=n)
    client.force_login(rm)
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert second.count('data-testid="notification-row"') == 5
    assert "(page 2)" in second


def test_asking_for_a_test_email_writes_it_to_the_outbox(client, tutor):
    client.force_login(tutor)
    response = client.post(reverse("notifications:test_email"))
    assert response.status_code == 302
    assert OutboxMessage.objects.get().task_name == "notifications.send_test_email"


def test_the_list_puts_the_most_overdue_first_and_read_ones_after(client, rm, learner):
    """Ordered by urgency, not by when the reminder was made (issue 17, item 7):
    open reminders first, the earliest due at the top; an escalation before a
    plain reminder due the same day."""
    newest_but_least_urgent = _notify(rm, learner, days=20, summary="Due in twenty days")
    _notify(rm, learner, days=-30, summary="Thirty days overdue", read=True)
    _notify(
        rm,
        learner,
        days=0,
        kind=NotificationKind.REVIEW_OVERDUE,
        summary="Overdue today",
    )
    _notify(
        rm,
        learner,
        days=0,
        kind=NotificationKind.REVIEW_ESCALATED,
        summary="Escalated today",
    )
    _notify(rm, learner, days=-10, summary="Ten days overdue")
    newest_but_least_urgent.created_at = timezone.now() + dt.timedelta(hours=1)
    newest_but_least_urgent.save()
    client.force_login(rm)

    def order(html: str, summaries: list[str]) -> list[str]:
        return sorted(summaries, key=html.index)

    unread = client.get(reverse("notifications:list")).content.decode()
    expected = ["Ten days overdue", "Escalated today", "Overdue today", "Due in twenty days"]
    assert order(unread, expected) == expected
    everything = client.get(reverse("notifications:list") + "?show=all").content.decode()
    assert order(everything, [*expected, "Thirty days overdue"]) == [
        *expected,
        "Thirty days overdue",
    ]
