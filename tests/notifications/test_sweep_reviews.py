"""Frozen-clock tests of the review and intervention findings. Due dates come
from the reviews app's schedule service (`schedule_refresh`), which keeps
`Learner.next_review_due_on`."""

import datetime as dt

import pytest
from django.core import mail
from freezegun import freeze_time

from accounts.models import Role
from learners.models import CourseStatus, CustodyStatus
from notifications import sweep
from notifications.models import Notification, NotificationKind
from notifications.services import reminders_run
from notifications.tasks import deliver_notification_email
from reviews.models import Intervention, InterventionKind, InterventionStatus
from reviews.schedule import REVIEW_INTERVAL
from reviews.services import schedule_refresh
from tests.factories import LearnerFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db

# Fourteen for the six finders, one for the reminders no longer due, the rest
# to store the run, its notifications and their emails in the outbox: the same
# at every size.
SWEEP_QUERIES = 25


def _learner_due(prison, tutor, rm, *, due_in_days: int, **fields):
    """A learner whose next review falls `due_in_days` from TODAY (negative: overdue)."""
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
    learner.refresh_from_db()
    assert learner.next_review_due_on == TODAY + dt.timedelta(days=due_in_days)
    return learner


def _kinds(findings, learner=None):
    return sorted(
        (f.kind, f.recipient_id) for f in findings if learner is None or f.learner_id == learner.pk
    )


@pytest.mark.parametrize(
    ("due_in_days", "expected"),
    [
        (8, []),
        (7, [NotificationKind.REVIEW_DUE]),
        (0, [NotificationKind.REVIEW_DUE]),
        (-1, [NotificationKind.REVIEW_OVERDUE]),
        (-6, [NotificationKind.REVIEW_OVERDUE]),
    ],
)
def test_reviews_due_within_7_days_or_overdue_go_to_the_tutor(
    prison, tutor, rm, due_in_days, expected
):
    learner = _learner_due(prison, tutor, rm, due_in_days=due_in_days)
    findings = sweep.find_all(TODAY)
    assert _kinds(findings, learner) == [(kind, tutor.pk) for kind in expected]


@pytest.mark.parametrize(
    ("days_overdue", "escalated"), [(6, False), (7, True), (8, True), (30, True)]
)
def test_escalation_to_the_regional_manager_at_exactly_7_days_overdue(
    prison, tutor, rm, days_overdue, escalated
):
    learner = _learner_due(prison, tutor, rm, due_in_days=-days_overdue)
    kinds = _kinds(sweep.find_all(TODAY), learner)
    assert (NotificationKind.REVIEW_OVERDUE, tutor.pk) in kinds
    assert ((NotificationKind.REVIEW_ESCALATED, rm.pk) in kinds) is escalated


def test_escalation_is_one_notification_while_the_review_stays_overdue(prison, tutor, rm):
    _learner_due(prison, tutor, rm, due_in_days=-7)
    for day in range(5):
        with freeze_time(f"2026-11-{16 + day} 06:00:00"):
            reminders_run()
    assert sorted(Notification.objects.values_list("kind", "recipient_id")) == sorted(
        [(NotificationKind.REVIEW_OVERDUE, tutor.pk), (NotificationKind.REVIEW_ESCALATED, rm.pk)]
    )


def test_a_review_coming_due_then_going_overdue_is_two_reminders(prison, tutor, rm):
    _learner_due(prison, tutor, rm, due_in_days=2)
    for day in range(4):
        with freeze_time(f"2026-11-{16 + day} 06:00:00"):
            reminders_run()
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        NotificationKind.REVIEW_DUE,
        NotificationKind.REVIEW_OVERDUE,
    ]


def test_without_an_active_tutor_the_regional_manager_is_reminded(prison, rm, make_user):
    gone = make_user(Role.TUTOR, [prison], is_active=False)
    learner = _learner_due(prison, gone, rm, due_in_days=3)
    no_tutor = _learner_due(prison, None, rm, due_in_days=3)
    kinds = _kinds(sweep.find_all(TODAY))
    assert kinds == [(NotificationKind.REVIEW_DUE, rm.pk)] * 2
    assert {f.learner_id for f in sweep.find_all(TODAY)} == {learner.pk, no_tutor.pk}


def test_paused_released_graduated_or_withdrawn_learners_have_no_review_reminder(prison, tutor, rm):
    paused = _learner_due(prison, tutor, rm, due_in_days=-3)
    paused.next_review_due_on = None  # what schedule_refresh stores while paused
    paused.save()
    released = _learner_due(prison, tutor, rm, due_in_days=-3)
    released.custody_status = CustodyStatus.RELEASED
    released.save()  # a stale stored date must not produce a reminder
    for status in (CourseStatus.GRADUATED, CourseStatus.WITHDRAWN):
        learner = _learner_due(prison, tutor, rm, due_in_days=-3)
        learner.course_status = status
        learner.save()
    assert sweep.reviews_due(TODAY) == []
    assert sweep.reviews_escalated(TODAY) == []


def _intervention(learner, owner, *, due_in_days: int, **fields):
    return Intervention.objects.create(
        learner=learner,
        kind=fields.pop("kind", InterventionKind.EXTRA_TUTOR_TIME),
        description=fields.pop("description", "An hour a week"),
        owner=owner,
        due_on=TODAY + dt.timedelta(days=due_in_days),
        **fields,
    )


@pytest.mark.parametrize(
    ("due_in_days", "expected"),
    [
        (2, None),
        (1, NotificationKind.INTERVENTION_DUE),
        (0, NotificationKind.INTERVENTION_DUE),
        (-1, NotificationKind.INTERVENTION_OVERDUE),
        (-40, NotificationKind.INTERVENTION_OVERDUE),
    ],
)
def test_interventions_due_tomorrow_or_overdue_go_to_their_owner(
    learner, tutor, due_in_days, expected
):
    intervention = _intervention(learner, tutor, due_in_days=due_in_days)
    findings = sweep.interventions_due(TODAY)
    if expected is None:
        assert findings == []
    else:
        assert [(f.kind, f.recipient_id, f.object_id) for f in findings] == [
            (expected, tutor.pk, str(intervention.pk))
        ]


def test_closed_interventions_are_not_reminded(learner, tutor):
    _intervention(learner, tutor, due_in_days=-1, status=InterventionStatus.DONE)
    _intervention(learner, tutor, due_in_days=-1, status=InterventionStatus.CANCELLED)
    assert sweep.interventions_due(TODAY) == []


def test_an_intervention_whose_owner_left_goes_to_the_regional_manager(prison, rm, make_user):
    gone = make_user(Role.TUTOR, [prison], is_active=False)
    learner = LearnerFactory(prison=prison, regional_manager=rm)
    _intervention(learner, gone, due_in_days=0)
    assert [f.recipient_id for f in sweep.interventions_due(TODAY)] == [rm.pk]


def test_an_intervention_email_never_names_a_restricted_referral(learner, tutor, settings):
    _intervention(
        learner,
        tutor,
        due_in_days=1,
        kind=InterventionKind.SUBSTANCE_MISUSE,
        description="Methadone script review with the recovery worker",
    )
    with freeze_time("2026-11-16 06:00:00"):
        reminders_run()
    notification = Notification.objects.get()
    deliver_notification_email.apply(args=[notification.pk])
    message = mail.outbox[0]
    text = " ".join([message.subject, message.body, message.alternatives[0][0]]).lower()
    assert "an intervention for jamie doyle" in text
    for word in ("substance", "misuse", "methadone", "recovery", "referral", "script"):
        assert word not in text
    assert "/interventions/" in message.body


def _population(prison, tutor, rm, size: int) -> None:
    for n in range(size):
        learner = _learner_due(prison, tutor if n % 3 else None, rm, due_in_days=(n % 20) - 12)
        _intervention(learner, tutor, due_in_days=(n % 5) - 3)


@pytest.mark.parametrize(
    ("finder", "queries"),
    [("reviews_due", 3), ("reviews_escalated", 2), ("interventions_due", 3)],
)
@pytest.mark.parametrize("size", [4, 40])
def test_each_finder_is_a_fixed_number_of_queries(
    prison, tutor, rm, size, finder, queries, django_assert_num_queries
):
    _population(prison, tutor, rm, size)
    with django_assert_num_queries(queries):
        findings = sweep.FINDERS[finder](TODAY, None)
    assert findings


@pytest.mark.parametrize("size", [4, 40])
def test_the_full_sweep_has_a_fixed_number_of_queries(
    prison, tutor, rm, size, django_assert_num_queries
):
    _population(prison, tutor, rm, size)
    with freeze_time("2026-11-16 06:00:00"), django_assert_num_queries(SWEEP_QUERIES):
        result = reminders_run()
    assert result.created >= size
