"""The send-time access check (issue 12 item 4, defect 9): an email, digest line or
in-app notification about a learner reaches only someone who may see that
learner when it is sent or shown; otherwise it is withheld and the withholding
recorded. And a digest lists each piece of work once (issue 19 item 8)."""

import datetime as dt

import pytest
from django.core import mail
from freezegun import freeze_time

from accounts.models import Role
from audit.models import AuditEvent
from learners.models import Consent, ConsentKind, CourseStatus
from learners.services import learner_transfer
from notifications.models import (
    EmailMode,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from notifications.selectors import notifications_for_user, unread_count_for_user
from notifications.services import reminders_run
from notifications.tasks import deliver_daily_digest, deliver_notification_email
from reviews.schedule import REVIEW_INTERVAL
from reviews.services import schedule_refresh
from tests.factories import LearnerFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


def _learner_due(prison, tutor, rm, *, due_in_days: int, **fields):
    learner = LearnerFactory(
        prison=prison,
        tutor=tutor,
        regional_manager=rm,
        course_status=CourseStatus.ACTIVE,
        intake_completed_on=TODAY + dt.timedelta(days=due_in_days) - REVIEW_INTERVAL,
        expected_release_on=TODAY + dt.timedelta(days=800),
        **fields,
    )
    schedule_refresh(learner, today=TODAY)
    return learner


def _sweep():
    with freeze_time("2026-11-16 06:00:00"):
        return reminders_run()


def _transfer(learner, rm, to_prison):
    with freeze_time("2026-11-16 06:30:00"):
        learner_transfer(
            actor=rm,
            learner=learner,
            to_prison=to_prison,
            transferred_on=TODAY,
            reason="Moved for a course",
        )


@pytest.fixture
def people(make_user, prison, other_prison):
    rm = make_user(Role.REGIONAL_MANAGER, [prison, other_prison], full_name="Rachel Manager")
    tutor = make_user(Role.TUTOR, [prison], full_name="Tom Tutor")
    return rm, tutor


def test_defect_9_a_tutor_who_does_not_cover_the_new_prison_gets_no_digest_line(
    people, prison, other_prison
):
    rm, tutor = people
    NotificationPreference.objects.create(user=tutor, email_mode=EmailMode.DAILY)
    moved = _learner_due(prison, tutor, rm, due_in_days=3, first_name="Morgan", last_name="Moved")
    _learner_due(prison, tutor, rm, due_in_days=4, first_name="Sam", last_name="Stayed")
    _sweep()
    assert (
        Notification.objects.filter(recipient=tutor, email_status=EmailStatus.DIGEST).count() == 2
    )

    _transfer(moved, rm, other_prison)

    with freeze_time("2026-11-16 07:00:00"):
        assert deliver_daily_digest.apply(args=[tutor.pk, "2026-11-16"]).get() == "sent"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body + mail.outbox[0].alternatives[0][0]
    assert "Stayed" in body
    assert "Moved" not in body
    assert moved.prison_number not in body
    # The transfer itself withdrew it (a journey-event listener), before any send.
    withdrawn = Notification.objects.get(recipient=tutor, learner=moved)
    assert withdrawn.email_status in (EmailStatus.SKIPPED, EmailStatus.WITHHELD)
    assert withdrawn.digest is None
    # In the app too, the tutor no longer sees it.
    assert list(notifications_for_user(tutor).filter(learner=moved)) == []


def _lose_prison(user, prison):
    """Access lost without any journey event: the person's prisons change."""
    with freeze_time("2026-11-16 06:30:00"):
        user.prisons.remove(prison)


def test_a_digest_line_for_someone_who_lost_the_prison_is_withheld_at_send_time(
    people, prison, other_prison
):
    rm, tutor = people
    tutor.prisons.add(other_prison)
    NotificationPreference.objects.create(user=tutor, email_mode=EmailMode.DAILY)
    gone = _learner_due(prison, tutor, rm, due_in_days=3, first_name="Gale", last_name="Gone")
    _learner_due(other_prison, tutor, rm, due_in_days=4, first_name="Kim", last_name="Kept")
    _sweep()
    _lose_prison(tutor, prison)

    with freeze_time("2026-11-16 07:00:00"):
        assert deliver_daily_digest.apply(args=[tutor.pk, "2026-11-16"]).get() == "sent"
    body = mail.outbox[0].body + mail.outbox[0].alternatives[0][0]
    assert "Kept" in body
    assert "Gone" not in body
    assert gone.prison_number not in body
    withheld = Notification.objects.get(recipient=tutor, learner=gone)
    assert withheld.email_status == EmailStatus.WITHHELD
    assert withheld.digest is None
    event = AuditEvent.objects.get(action="notifications.withheld")
    assert event.learner_ref == gone.pk
    assert event.detail["recipient"] == tutor.pk
    assert event.detail["channel"] == "digest"
    assert list(notifications_for_user(tutor).filter(learner=gone)) == []


def test_an_immediate_email_about_a_learner_transferred_away_is_not_sent(
    people, prison, other_prison
):
    rm, tutor = people
    moved = _learner_due(prison, tutor, rm, due_in_days=3)
    _sweep()
    notification = Notification.objects.get(recipient=tutor, learner=moved)
    _transfer(moved, rm, other_prison)

    assert deliver_notification_email.apply(args=[notification.pk]).get() == "nothing to do"
    assert mail.outbox == []
    # The regional manager covers both prisons and is still told.
    rm_note = Notification.objects.filter(recipient=rm, learner=moved).first()
    if rm_note is not None:
        assert deliver_notification_email.apply(args=[rm_note.pk]).get() == "sent"


def test_an_immediate_email_to_someone_who_lost_the_prison_is_withheld(people, prison):
    rm, tutor = people
    moved = _learner_due(prison, tutor, rm, due_in_days=3)
    _sweep()
    notification = Notification.objects.get(recipient=tutor, learner=moved)
    _lose_prison(tutor, prison)

    assert deliver_notification_email.apply(args=[notification.pk]).get() == "withheld"
    assert deliver_notification_email.apply(args=[notification.pk]).get() == "nothing to do"
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.WITHHELD
    assert notification.emailed_at is None
    assert AuditEvent.objects.filter(action="notifications.withheld").count() == 1
    # The regional manager still covers the prison and is still told.
    rm_note = Notification.objects.filter(recipient=rm, learner=moved).first()
    if rm_note is not None:
        assert deliver_notification_email.apply(args=[rm_note.pk]).get() == "sent"


def test_an_email_is_sent_when_the_recipient_still_covers_the_learner(people, prison):
    rm, tutor = people
    learner = _learner_due(prison, tutor, rm, due_in_days=3)
    _sweep()
    notification = Notification.objects.get(recipient=tutor, learner=learner)
    assert deliver_notification_email.apply(args=[notification.pk]).get() == "sent"
    assert len(mail.outbox) == 1
    assert not AuditEvent.objects.filter(action="notifications.withheld").exists()


def test_omu_notification_follows_the_sharing_consent_in_the_app(make_user, prison):
    """The in-app list uses the same gate: without a standing consent an OMU
    user's notification about the learner is hidden, as the learner is."""
    omu = make_user(Role.OMU, [prison])
    learner = LearnerFactory(prison=prison)
    Notification.objects.create(
        recipient=omu,
        kind=NotificationKind.RELEASE_PLAN_INCOMPLETE,
        learner=learner,
        object_type="learners.learner",
        object_id=str(learner.pk),
        due_on=TODAY,
        summary="Plan incomplete",
    )
    assert unread_count_for_user(omu) == 0
    Consent.objects.create(learner=learner, kind=ConsentKind.SHARE_WITH_OMU, given_on=TODAY)
    assert unread_count_for_user(omu) == 1


def test_a_daily_digest_lists_an_escalated_review_once(people, prison):
    """The regional manager is both the reviewer (no tutor) and the one escalated
    to: one line, the most urgent, not "overdue" and "a week or more overdue"."""
    rm, _tutor = people
    NotificationPreference.objects.create(user=rm, email_mode=EmailMode.DAILY)
    learner = _learner_due(prison, None, rm, due_in_days=-10, last_name="Latereview")
    _sweep()
    kinds = set(
        Notification.objects.filter(recipient=rm, learner=learner).values_list("kind", flat=True)
    )
    assert kinds == {NotificationKind.REVIEW_OVERDUE, NotificationKind.REVIEW_ESCALATED}
    with freeze_time("2026-11-16 07:00:00"):
        assert deliver_daily_digest.apply(args=[rm.pk, "2026-11-16"]).get() == "sent"
    text = mail.outbox[0].body
    assert text.count("Latereview") == 1
    assert "a week or more overdue" in text.lower()
