"""Frozen-clock tests of the resettlement findings: releases within 12 weeks
with an incomplete plan, and post-release outcome follow-ups due. The records
are made through the resettlement app's services."""

import datetime as dt

import pytest
from freezegun import freeze_time

from notifications import sweep
from notifications.models import Notification, NotificationKind
from notifications.services import reminders_run
from resettlement import services as resettlement
from resettlement.models import FollowUp, PathwayStatus, PlanPathway
from tests.factories import LearnerFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-11-16 06:00:00"):
        yield


def _leaving(prison, rm, *, in_days: int, **fields):
    return LearnerFactory(
        prison=prison,
        regional_manager=rm,
        expected_release_on=TODAY + dt.timedelta(days=in_days),
        **fields,
    )


@pytest.mark.parametrize(("in_days", "found"), [(85, False), (84, True), (0, True), (-1, False)])
def test_a_release_within_12_weeks_without_a_plan_goes_to_the_regional_manager(
    prison, rm, in_days, found
):
    learner = _leaving(prison, rm, in_days=in_days)
    findings = sweep.releases_with_incomplete_plan(TODAY)
    expected = [(learner.pk, rm.pk, NotificationKind.RELEASE_PLAN_INCOMPLETE)] if found else []
    assert [(f.learner_id, f.recipient_id, f.kind) for f in findings] == expected


def test_a_plan_with_every_pathway_done_or_declined_is_complete(prison, rm):
    learner = _leaving(prison, rm, in_days=30)
    plan = resettlement.plan_start(actor=rm, learner=learner)
    assert [f.learner_id for f in sweep.releases_with_incomplete_plan(TODAY)] == [learner.pk]
    PlanPathway.objects.filter(plan=plan).update(status=PathwayStatus.DONE)
    PlanPathway.objects.filter(plan=plan, pathway="health").update(status=PathwayStatus.DECLINED)
    assert sweep.releases_with_incomplete_plan(TODAY) == []
    PlanPathway.objects.filter(plan=plan, pathway="accommodation").update(
        status=PathwayStatus.IN_PROGRESS
    )
    assert [f.learner_id for f in sweep.releases_with_incomplete_plan(TODAY)] == [learner.pk]


def test_a_learner_already_released_needs_no_release_reminder(prison, rm):
    learner = _leaving(prison, rm, in_days=30)
    resettlement.release_record(
        actor=rm, learner=learner, released_on=TODAY, release_type="licence", area="Hull"
    )
    assert sweep.releases_with_incomplete_plan(TODAY) == []


def _released(prison, rm, *, days_ago: int, actor=None):
    learner = LearnerFactory(prison=prison, regional_manager=rm)
    resettlement.release_record(
        actor=actor or rm,
        learner=learner,
        released_on=TODAY - dt.timedelta(days=days_ago),
        release_type="licence",
        area="Hull",
    )
    return learner


def test_follow_ups_due_within_a_week_or_overdue_go_to_the_regional_manager(prison, rm):
    _released(prison, rm, days_ago=10)  # 1-month follow-up due in about 20 days
    soon = _released(prison, rm, days_ago=26)  # due in 4 or 5 days
    late = _released(prison, rm, days_ago=95)  # 1 and 3 months both due, unrecorded
    findings = sweep.follow_ups_due(TODAY)
    months = sorted(
        (f.learner_id, FollowUp.objects.get(pk=f.object_id).months, f.recipient_id)
        for f in findings
    )
    assert months == [(soon.pk, 1, rm.pk), (late.pk, 1, rm.pk), (late.pk, 3, rm.pk)]
    assert {f.kind for f in findings} == {NotificationKind.FOLLOW_UP_DUE}
    assert any("The 3-month outcome follow-up for" in f.summary for f in findings)


def test_recorded_follow_ups_and_returns_to_custody_are_not_reminded(prison, rm):
    learner = _released(prison, rm, days_ago=40)
    FollowUp.objects.filter(learner=learner).update(confirmed_on=TODAY)
    returned = _released(prison, rm, days_ago=40)
    resettlement.custody_return(actor=rm, learner=returned, returned_on=TODAY)
    assert sweep.follow_ups_due(TODAY) == []


def test_the_sweep_stores_release_and_follow_up_reminders_once(prison, rm):
    _leaving(prison, rm, in_days=20)
    _released(prison, rm, days_ago=40)
    reminders_run()
    reminders_run()
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        NotificationKind.FOLLOW_UP_DUE,
        NotificationKind.RELEASE_PLAN_INCOMPLETE,
    ]


@pytest.mark.parametrize("finder", ["releases_with_incomplete_plan", "follow_ups_due"])
@pytest.mark.parametrize("size", [3, 30])
def test_each_resettlement_finder_is_two_queries(
    prison, rm, size, finder, django_assert_num_queries
):
    for n in range(size):
        _leaving(prison, rm if n % 2 else None, in_days=n)
        _released(prison, rm if n % 2 else None, days_ago=30 + n, actor=rm)
    with django_assert_num_queries(2):
        findings = sweep.FINDERS[finder](TODAY, None)
    assert len(findings) >= size
