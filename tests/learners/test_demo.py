import pytest
from django.core.management import call_command

from learners.models import (
    Consent,
    ConsentKind,
    CourseStatus,
    CustodyStatus,
    IntakeInterview,
    Learner,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_learners_at_every_stage(capsys):
    call_command("seed_demo", learners=120)
    assert Learner.objects.count() == 120
    statuses = set(Learner.objects.values_list("course_status", flat=True))
    assert {
        CourseStatus.REFERRED,
        CourseStatus.ACTIVE,
        CourseStatus.PAUSED,
        CourseStatus.WITHDRAWN,
    } <= statuses
    assert Learner.objects.filter(custody_status=CustodyStatus.RELEASED).exists()
    assert Learner.objects.filter(tutor__isnull=False).count() > 100
    # Everyone past referral has an intake; most consent to sharing with the OMU.
    active = Learner.objects.exclude(course_status=CourseStatus.REFERRED)
    assert IntakeInterview.objects.count() == active.count()
    assert not active.filter(intake_completed_on__isnull=True).exists()
    sharing = Consent.objects.filter(kind=ConsentKind.SHARE_WITH_OMU, withdrawn_on__isnull=True)
    assert sharing.count() > active.count() * 0.6
    for learner in Learner.objects.all():
        learner.full_clean()  # every demo record passes the enrolment rules


def test_seed_demo_has_one_intake_in_progress(capsys):
    from learners.models import IntakeDraft

    call_command("seed_demo", learners=120)
    draft = IntakeDraft.objects.select_related("learner").get()
    # A referred learner, their own regional manager part-way through the steps.
    assert draft.learner.course_status == CourseStatus.REFERRED
    assert draft.author == draft.learner.regional_manager
    assert not IntakeInterview.objects.filter(learner=draft.learner).exists()
    assert set(draft.answers) == {"interview", "education", "ambitions"}
    assert draft.answers["interview"]["held_on"] >= draft.learner.joined_on.isoformat()
