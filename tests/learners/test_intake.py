import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from learners.models import (
    Consent,
    ConsentKind,
    CourseStatus,
    Goal,
    IntakeInterview,
    IntakeRevision,
)
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
SECRET = "PLANTED-RESTRICTED-TEXT-7731"


@pytest.fixture
def referred(prison, tutor, today):
    return LearnerFactory(
        prison=prison,
        tutor=tutor,
        course_status=CourseStatus.REFERRED,
        joined_on=today - dt.timedelta(days=20),
    )


def _intake_data(today, **overrides):
    data = {
        "held_on": (today - dt.timedelta(days=2)).isoformat(),
        "education": "GCSEs in maths and English",
        "work_history": "Warehouse",
        "coding_experience": "None",
        "ambition_categories": ["tech_work"],
        "ambitions": "Web developer",
        "support_needs": ["dyslexia"],
        "reasonable_adjustments": "Cream paper",
        "priorities": ["housing"],
        "priorities_notes": "Needs an address in Hull",
        "expected_release_on": (today + dt.timedelta(days=200)).isoformat(),
        "release_area": "Hull",
        "health_priority": "on",
        "health_notes": SECRET + " health",
        "recovery_priority": "",
        "recovery_notes": SECRET + " recovery",
        "offending_behaviour_notes": SECRET + " offending",
        "consent_share_with_omu": "on",
        "consent_share_with_omu_on": (today - dt.timedelta(days=2)).isoformat(),
        "consent_contact_after_release": "on",
        "consent_contact_after_release_on": (today - dt.timedelta(days=2)).isoformat(),
        "consent_case_study_on": "",
        "goals-TOTAL_FORMS": "2",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "20",
        "goals-0-description": "Finish web foundations",
        "goals-0-target_on": (today + dt.timedelta(days=84)).isoformat(),
        "goals-0-status": "not_started",
        "goals-1-description": "",
        "goals-1-target_on": "",
        "goals-1-status": "not_started",
    }
    data.update(overrides)
    return data


def test_completing_the_intake_makes_the_learner_active(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    url = reverse("learners:intake_edit", kwargs={"pk": referred.pk})
    response = client.post(url, _intake_data(today))
    assert response.status_code == 302
    referred.refresh_from_db()
    assert referred.course_status == CourseStatus.ACTIVE
    assert referred.intake_completed_on == today - dt.timedelta(days=2)
    assert referred.expected_release_on == today + dt.timedelta(days=200)
    intake = IntakeInterview.objects.get(learner=referred)
    assert intake.support_needs == ["dyslexia"]
    assert intake.restricted.recovery_notes == SECRET + " recovery"
    assert set(Consent.objects.filter(learner=referred).values_list("kind", flat=True)) == {
        ConsentKind.SHARE_WITH_OMU,
        ConsentKind.CONTACT_AFTER_RELEASE,
    }
    goal = Goal.objects.get(learner=referred)
    assert goal.description == "Finish web foundations"
    assert referred.status_changes.get().to_status == CourseStatus.ACTIVE
    assert AuditEvent.objects.filter(action="intake.create", learner_ref=referred.pk).count() == 1


def test_the_intake_starts_the_review_clock_and_the_shared_plan(
    client, regional_manager, referred, today
):
    from resettlement.models import PlanShareLog, ResettlementPlan, ShareEvent

    client.force_login(regional_manager)
    url = reverse("learners:intake_edit", kwargs={"pk": referred.pk})
    client.post(url, _intake_data(today))
    referred.refresh_from_db()
    # First review 12 weeks after the interview (held two days ago).
    assert referred.next_review_due_on == today - dt.timedelta(days=2) + dt.timedelta(weeks=12)
    plan = ResettlementPlan.objects.get(learner=referred)
    assert plan.pathways.count() == 7
    assert PlanShareLog.objects.filter(plan=plan, event=ShareEvent.SHARED).count() == 1


def test_editing_the_intake_keeps_history_and_withdraws_consent(
    client, regional_manager, referred, today
):
    client.force_login(regional_manager)
    url = reverse("learners:intake_edit", kwargs={"pk": referred.pk})
    client.post(url, _intake_data(today))
    data = _intake_data(today, work_history="Warehouse, then a kitchen")
    data.pop("consent_share_with_omu")
    data["goals-0-description"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    revision = IntakeRevision.objects.get()
    assert revision.changed_by == regional_manager
    assert "work_history" in revision.fields
    assert "consents" in revision.fields
    history = client.get(reverse("learners:intake", kwargs={"pk": referred.pk})).content.decode()
    assert "work history, consents" in history
    share = Consent.objects.get(learner=referred, kind=ConsentKind.SHARE_WITH_OMU)
    assert share.withdrawn_on == today
    # A new grant is a new row; the withdrawn one stays.
    client.post(url, _intake_data(today))
    assert Consent.objects.filter(learner=referred, kind=ConsentKind.SHARE_WITH_OMU).count() == 2
    # Status is not changed again by editing.
    assert referred.status_changes.count() == 1


def test_intake_form_errors(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    url = reverse("learners:intake_edit", kwargs={"pk": referred.pk})
    data = _intake_data(
        today,
        held_on="",
        consent_share_with_omu_on="",
        **{"goals-0-target_on": ""},
    )
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date of the interview" in html
    assert "Enter the date consent was given" in html
    assert "Enter a target date for the goal" in html
    assert not IntakeInterview.objects.exists()
    referred.refresh_from_db()
    assert referred.course_status == CourseStatus.REFERRED


def test_interview_before_joining_is_refused(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    url = reverse("learners:intake_edit", kwargs={"pk": referred.pk})
    early = (referred.joined_on - dt.timedelta(days=1)).isoformat()
    response = client.post(url, _intake_data(today, held_on=early))
    assert "must be on or after the date joined" in response.content.decode()
    assert not IntakeInterview.objects.exists()


def test_tutor_never_receives_restricted_answers(client, regional_manager, tutor, referred, today):
    client.force_login(regional_manager)
    client.post(reverse("learners:intake_edit", kwargs={"pk": referred.pk}), _intake_data(today))
    manager_view = client.get(reverse("learners:intake", kwargs={"pk": referred.pk}))
    assert SECRET in manager_view.content.decode()

    client.force_login(tutor)
    for name in ("learners:intake", "learners:detail", "learners:timeline"):
        response = client.get(reverse(name, kwargs={"pk": referred.pk}))
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        assert "Restricted: health" not in response.content.decode()
        assert response.context.get("restricted") is None
    assert (
        "Web developer"
        in client.get(reverse("learners:intake", kwargs={"pk": referred.pk})).content.decode()
    )


def test_omu_and_other_prison_cannot_open_the_intake(
    client, omu, make_user, other_prison, consenting_learner
):
    url = reverse("learners:intake", kwargs={"pk": consenting_learner.pk})
    client.force_login(omu)
    assert client.get(url).status_code == 403
    client.force_login(make_user("regional_manager", [other_prison]))
    assert client.get(url).status_code == 404
