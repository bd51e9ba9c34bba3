"""Frozen-clock tests of the intake finding: referred learners whose interview is
not held 14 days after joining -> their regional manager."""

import datetime as dt

import pytest
from freezegun import freeze_time

from accounts.models import Role
from learners.models import CourseStatus
from notifications import sweep
from notifications.models import Notification, NotificationKind
from notifications.services import reminders_run
from tests.factories import LearnerFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db

# Fourteen for the six finders, one for the reminders no longer due, the rest
# to store the run, its notifications and their emails in the outbox: the same
# at every size.
SWEEP_QUERIES = 25


def _intake(prison, rm, *, days_ago: int, **fields):
    return LearnerFactory(
        prison=prison,
        course_status=fields.pop("course_status", CourseStatus.REFERRED),
        joined_on=TODAY - dt.timedelta(days=days_ago),
        regional_manager=rm,
        **fields,
    )


def test_intake_becomes_due_exactly_14_days_after_joining(prison, rm):
    _intake(prison, rm, days_ago=13, last_name="Thirteen")
    due = _intake(prison, rm, days_ago=14, last_name="Fourteen")
    findings = sweep.intake_not_held(TODAY)
    assert [(f.learner_id, f.recipient_id, f.due_on) for f in findings] == [(due.pk, rm.pk, TODAY)]
    assert findings[0].kind == NotificationKind.INTAKE_NOT_HELD


def test_intake_held_or_learner_not_referred_is_not_a_finding(prison, rm):
    _intake(prison, rm, days_ago=30, intake_completed_on=TODAY - dt.timedelta(days=2))
    _intake(prison, rm, days_ago=30, course_status=CourseStatus.ACTIVE)
    _intake(prison, rm, days_ago=30, course_status=CourseStatus.WITHDRAWN)
    assert sweep.intake_not_held(TODAY) == []


def test_anonymised_learners_are_left_alone(prison, rm):
    from django.utils import timezone

    _intake(prison, rm, days_ago=30, anonymised_at=timezone.now())
    assert sweep.intake_not_held(TODAY) == []


def test_without_an_active_assigned_manager_every_manager_of_the_prison_is_told(
    prison, other_prison, rm, make_user
):
    second = make_user(Role.REGIONAL_MANAGER, [prison], full_name="Second Manager")
    make_user(Role.REGIONAL_MANAGER, [other_prison], full_name="Elsewhere")
    make_user(Role.TUTOR, [prison], full_name="Not a manager")
    make_user(Role.REGIONAL_MANAGER, [prison], full_name="Gone", is_active=False)
    learner = _intake(prison, None, days_ago=20)
    left = make_user(Role.REGIONAL_MANAGER, [], full_name="Left", is_active=False)
    learner_with_inactive_rm = _intake(prison, left, days_ago=20)
    found = {(f.learner_id, f.recipient_id) for f in sweep.intake_not_held(TODAY)}
    assert found == {
        (learner.pk, rm.pk),
        (learner.pk, second.pk),
        (learner_with_inactive_rm.pk, rm.pk),
        (learner_with_inactive_rm.pk, second.pk),
    }


@freeze_time("2026-11-16 06:00:00")
def test_the_sweep_stores_one_notification_with_a_summary_free_of_restricted_detail(referred, rm):
    result = reminders_run()
    assert result.run_on == TODAY
    notification = Notification.objects.get()
    assert notification.recipient == rm
    assert notification.learner == referred
    assert notification.due_on == TODAY - dt.timedelta(days=1)
    assert notification.summary == (
        "Intake interview for Jamie Doyle (A1234BC) not held: it was due by 15 November 2026."
    )


def _many_intakes(prison, rm, count: int) -> None:
    for n in range(count):
        _intake(prison, rm if n % 2 else None, days_ago=15 + n % 20)


@pytest.mark.parametrize("size", [5, 60])
def test_intake_finder_query_count_does_not_grow_with_learners(
    prison, rm, size, django_assert_num_queries
):
    _many_intakes(prison, rm, size)
    with django_assert_num_queries(2):
        findings = sweep.intake_not_held(TODAY)
    assert len({f.learner_id for f in findings}) == size


@pytest.mark.parametrize("size", [5, 60])
def test_the_whole_sweep_query_count_does_not_grow_with_learners(
    prison, rm, size, django_assert_num_queries
):
    _many_intakes(prison, rm, size)
    with freeze_time("2026-11-16 06:00:00"), django_assert_num_queries(SWEEP_QUERIES):
        result = reminders_run()
    assert result.created == size


@freeze_time("2026-11-16 06:00:00")
def test_the_longest_names_still_fit_the_summary(prison, rm):
    _intake(prison, rm, days_ago=20, first_name="F" * 100, last_name="L" * 100)
    assert reminders_run().created == 1
    assert len(Notification.objects.get().summary) <= 300
