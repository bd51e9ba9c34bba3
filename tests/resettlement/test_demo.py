from django.core.management import call_command
from django.db.models import Count

from accounts.models import Role
from learners.models import Learner
from resettlement.models import (
    ActionOwner,
    ActionStatus,
    ActionUpdate,
    Application,
    ApplicationStatus,
    MentorMatch,
    Outcome,
    OutcomeKind,
    PlanShareLog,
    Release,
    ResettlementPlan,
)


def test_demo_has_plans_releases_every_outcome_jobs_and_mentors():
    call_command("seed_demo", learners=20)
    learners = Learner.objects.count()
    assert learners > 0
    assert ResettlementPlan.objects.count() >= learners * 0.7
    assert PlanShareLog.objects.filter(event="viewed").exists()
    assert set(Outcome.objects.order_by().values_list("kind", flat=True)) == set(OutcomeKind.values)
    assert Release.objects.filter(returned_to_custody_on__isnull=False).exists()
    statuses = dict(Application.objects.order_by().values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == set(ApplicationStatus.values)
    started_before_release = [
        application
        for application in Application.objects.filter(status="started")
        if application.learner.releases.filter(released_on__gt=application.started_on).exists()
    ]
    assert started_before_release
    assert MentorMatch.objects.exists()


def test_demo_shows_the_employment_lifecycle_and_a_closed_prison():
    from accounts.models import Prison
    from resettlement.models import Mentor, Opportunity

    call_command("seed_demo", learners=10)
    assert Opportunity.objects.filter(closed_on__isnull=False).count() == 1
    assert Mentor.objects.filter(paused_on__isnull=False).count() == 1
    assert Prison.objects.filter(is_active=False).exists()


def test_the_demo_has_omu_updates_that_set_the_status_of_prison_actions():
    call_command("seed_demo", learners=20)
    by_omu = ActionUpdate.objects.filter(author__role=Role.OMU)
    assert by_omu.exists()
    for update in by_omu.select_related("action"):
        assert update.action.owner_organisation == ActionOwner.PRISON
        assert update.status == ActionStatus.IN_PROGRESS
        assert update.action.status == ActionStatus.IN_PROGRESS


def test_the_demo_has_self_reported_outcomes_some_confirmed_and_one_waiting():
    from resettlement.models import SelfReport
    from resettlement.selectors import self_reports_to_confirm_for_user

    call_command("seed_demo", learners=20)
    confirmed = SelfReport.objects.filter(confirmed_at__isnull=False)
    assert confirmed.count() >= 2
    for report in confirmed:
        assert report.follow_up.confirmed_on is not None
        assert sorted(report.kinds) == sorted(
            report.follow_up.outcomes.values_list("kind", flat=True)
        )
    waiting = SelfReport.objects.get(confirmed_at__isnull=True)
    assert waiting.follow_up.confirmed_on is None
    assert waiting.wants_support
    rm = (
        waiting.learner.regional_manager
        or waiting.learner.prison.staff.filter(role=Role.REGIONAL_MANAGER).first()
    )
    assert list(self_reports_to_confirm_for_user(rm)) == [waiting]
    assert Release.objects.exclude(contact_email="").exists()
