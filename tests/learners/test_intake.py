"""The intake interview, one topic per page, then "check your answers" (issue 17
item 4): each step saves to the interviewer's draft, nothing counts until it is
confirmed, and confirming records the interview once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from audit.models import AuditEvent
from learners.models import (
    Consent,
    ConsentKind,
    CourseStatus,
    Goal,
    IntakeDraft,
    IntakeInterview,
    IntakeRevision,
    TimelineEvent,
    TimelineKind,
)
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
SECRET = "PLANTED-RESTRICTED-TEXT-7731"
STEPS = [
    "interview",
    "education",
    "ambitions",
    "support",
    "priorities",
    "restricted",
    "release",
    "goals",
    "consents",
]


@pytest.fixture
def referred(prison, tutor, today):
    return LearnerFactory(
        prison=prison,
        tutor=tutor,
        course_status=CourseStatus.REFERRED,
        joined_on=today - dt.timedelta(days=20),
    )


def step_data(today, **overrides) -> dict[str, dict]:
    """What a regional manager types on each step."""
    steps = {
        "interview": {"held_on": (today - dt.timedelta(days=2)).isoformat()},
        "education": {
            "education": "GCSEs in maths and English",
            "work_history": "Warehouse",
            "coding_experience": "None",
        },
        "ambitions": {"ambition_categories": ["tech_work"], "ambitions": "Web developer"},
        "support": {"support_needs": ["dyslexia"], "reasonable_adjustments": "Cream paper"},
        "priorities": {"priorities": ["housing"], "priorities_notes": "Needs an address in Hull"},
        "restricted": {
            "health_priority": "on",
            "health_notes": SECRET + " health",
            "recovery_notes": SECRET + " recovery",
            "offending_behaviour_notes": SECRET + " offending",
        },
        "release": {
            "expected_release_on": (today + dt.timedelta(days=200)).isoformat(),
            "release_area": "Hull",
        },
        "goals": {
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
        },
        "consents": {
            "consent_share_with_omu": "on",
            "consent_share_with_omu_on": (today - dt.timedelta(days=2)).isoformat(),
            "consent_contact_after_release": "on",
            "consent_contact_after_release_on": (today - dt.timedelta(days=2)).isoformat(),
            "consent_case_study_on": "",
        },
    }
    for step, changes in overrides.items():
        steps[step] = {**steps[step], **changes}
    return steps


def step_url(learner, step: str) -> str:
    return reverse("learners:intake_step", kwargs={"pk": learner.pk, "step": step})


def check_url(learner) -> str:
    return reverse("learners:intake_check", kwargs={"pk": learner.pk})


def answer_every_step(client, learner, data) -> None:
    for step in STEPS:
        response = client.post(step_url(learner, step), data[step])
        assert response.status_code == 302, (step, response.content.decode()[-3000:])


def run_intake(client, learner, today, **overrides):
    answer_every_step(client, learner, step_data(today, **overrides))
    return client.post(check_url(learner))


# --- The whole interview -----------------------------------------------------------


def test_completing_the_intake_makes_the_learner_active(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    response = run_intake(client, referred, today)
    assert response.status_code == 302
    assert response["Location"] == reverse("learners:intake", kwargs={"pk": referred.pk})
    referred.refresh_from_db()
    assert referred.course_status == CourseStatus.ACTIVE
    assert referred.intake_completed_on == today - dt.timedelta(days=2)
    assert referred.expected_release_on == today + dt.timedelta(days=200)
    intake = IntakeInterview.objects.get(learner=referred)
    assert intake.support_needs == ["dyslexia"]
    assert intake.ambition_categories == ["tech_work"]
    assert intake.education == "GCSEs in maths and English"
    assert intake.release_area == "Hull"
    assert intake.restricted.recovery_notes == SECRET + " recovery"
    assert intake.restricted.health_priority is True
    assert set(Consent.objects.filter(learner=referred).values_list("kind", flat=True)) == {
        ConsentKind.SHARE_WITH_OMU,
        ConsentKind.CONTACT_AFTER_RELEASE,
    }
    goal = Goal.objects.get(learner=referred)
    assert goal.description == "Finish web foundations"
    assert referred.status_changes.get().to_status == CourseStatus.ACTIVE
    assert AuditEvent.objects.filter(action="intake.create", learner_ref=referred.pk).count() == 1
    # The draft has done its work.
    assert not IntakeDraft.objects.exists()


def test_the_intake_starts_the_review_clock_and_the_shared_plan(
    client, regional_manager, referred, today
):
    from resettlement.models import PlanShareLog, ResettlementPlan, ShareEvent

    client.force_login(regional_manager)
    run_intake(client, referred, today)
    referred.refresh_from_db()
    # First review 12 weeks after the interview (held two days ago).
    assert referred.next_review_due_on == today - dt.timedelta(days=2) + dt.timedelta(weeks=12)
    plan = ResettlementPlan.objects.get(learner=referred)
    assert plan.pathways.count() == 7
    assert PlanShareLog.objects.filter(plan=plan, event=ShareEvent.SHARED).count() == 1


def test_nothing_counts_until_the_answers_are_confirmed(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    answer_every_step(client, referred, step_data(today))
    assert not IntakeInterview.objects.exists()
    assert not Consent.objects.exists()
    assert not Goal.objects.exists()
    referred.refresh_from_db()
    assert referred.course_status == CourseStatus.REFERRED
    assert referred.expected_release_on != today + dt.timedelta(days=200)
    draft = IntakeDraft.objects.get(learner=referred, author=regional_manager)
    assert set(draft.answers) == set(STEPS)
    assert draft.answers["priorities"]["priorities_notes"] == "Needs an address in Hull"
    # Each step saved is audited (by name, not contents).
    saves = AuditEvent.objects.filter(action="intake.draft_save", learner_ref=referred.pk)
    assert sorted(saves.values_list("detail__step", flat=True)) == sorted(STEPS)
    assert SECRET not in str(list(saves.values_list("detail", flat=True)))


def test_confirming_twice_records_the_interview_once(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    answer_every_step(client, referred, step_data(today))
    first = client.post(check_url(referred))
    second = client.post(check_url(referred))  # a double click, or the back button
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("learners:intake", kwargs={"pk": referred.pk})
    assert IntakeInterview.objects.filter(learner=referred).count() == 1
    assert AuditEvent.objects.filter(action="intake.create", learner_ref=referred.pk).count() == 1
    assert not AuditEvent.objects.filter(action="intake.update").exists()
    assert referred.status_changes.count() == 1
    assert TimelineEvent.objects.filter(learner=referred, kind=TimelineKind.INTAKE).count() == 1
    assert Goal.objects.filter(learner=referred).count() == 1
    assert Consent.objects.filter(learner=referred).count() == 2


def test_the_old_address_starts_the_interview_and_resumes_it(
    client, regional_manager, referred, today
):
    client.force_login(regional_manager)
    start = reverse("learners:intake_edit", kwargs={"pk": referred.pk})
    assert client.get(start)["Location"] == step_url(referred, "interview")
    data = step_data(today)
    assert client.post(step_url(referred, "interview"), data["interview"])["Location"] == step_url(
        referred, "education"
    )
    client.post(step_url(referred, "education"), data["education"])

    # Signed out and back another day: the interview carries on where it was left.
    client.logout()
    client.force_login(regional_manager)
    assert client.get(start)["Location"] == step_url(referred, "ambitions")
    page = client.get(step_url(referred, "education")).content.decode()
    assert "GCSEs in maths and English" in page
    intake_page = client.get(reverse("learners:intake", kwargs={"pk": referred.pk}))
    assert 'data-testid="intake-draft"' in intake_page.content.decode()


def test_every_step_has_a_step_indicator_and_a_back_link(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    first = client.get(step_url(referred, "interview")).content.decode()
    assert "step 1 of 9" in first
    assert f'href="{reverse("learners:intake", kwargs={"pk": referred.pk})}"' in first
    third = client.get(step_url(referred, "ambitions")).content.decode()
    assert "step 3 of 9" in third
    assert f'class="govuk-back-link" href="{step_url(referred, "education")}"' in third
    assert "<h1" in third and third.count("<h1") == 1


def test_a_tutor_never_sees_the_restricted_step(client, regional_manager, tutor, referred, today):
    client.force_login(regional_manager)
    run_intake(client, referred, today)
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
    # Tutors cannot run the interview at all, restricted step or not.
    assert client.get(step_url(referred, "restricted")).status_code == 403


# --- Each step checks its answers --------------------------------------------------


@pytest.mark.parametrize(
    ("step", "changes", "message"),
    [
        ("interview", {"held_on": ""}, "Enter the date of the interview"),
        ("interview", {"held_on": "2026-02-31"}, "Date of the interview must be a real date"),
        (
            "release",
            {"expected_release_on": "1999-01-01"},
            "Expected release date must be after the date joined",
        ),
        ("goals", {"goals-0-target_on": ""}, "Enter a target date for the goal"),
        (
            "consents",
            {"consent_share_with_omu_on": ""},
            "Enter the date consent was given to share the resettlement plan with the "
            "prison&#x27;s OMU",
        ),
    ],
)
def test_a_step_with_a_mistake_comes_back_with_one_error_summary_and_saves_nothing(
    client, regional_manager, referred, today, step, changes, message
):
    client.force_login(regional_manager)
    data = step_data(today, **{step: changes})
    response = client.post(step_url(referred, step), data[step])
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert html.count('class="govuk-error-summary"') == 1
    assert 'data-module="govuk-error-summary"' in html  # moves focus to the summary
    assert "<title>Error: " in html
    assert not IntakeDraft.objects.exists()
    assert not AuditEvent.objects.filter(action="intake.draft_save").exists()


def test_a_mistake_on_a_step_keeps_the_answers_saved_before(
    client, regional_manager, referred, today
):
    client.force_login(regional_manager)
    data = step_data(today)
    client.post(step_url(referred, "interview"), data["interview"])
    client.post(step_url(referred, "education"), {"education": "A" * 10, "work_history": ""})
    client.post(step_url(referred, "release"), {"expected_release_on": "1999-01-01"})
    draft = IntakeDraft.objects.get()
    assert set(draft.answers) == {"interview", "education"}
    assert draft.answers["education"]["education"] == "AAAAAAAAAA"


def test_an_interview_before_joining_is_refused(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    early = (referred.joined_on - dt.timedelta(days=1)).isoformat()
    response = client.post(step_url(referred, "interview"), {"held_on": early})
    assert "must be on or after the date joined" in response.content.decode()
    assert not IntakeDraft.objects.exists()


def test_check_your_answers_lists_every_step_with_a_change_link(
    client, regional_manager, referred, today
):
    client.force_login(regional_manager)
    answer_every_step(client, referred, step_data(today))
    response = client.get(check_url(referred))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check your answers" in html
    for step in STEPS:
        assert f'href="{step_url(referred, step)}"' in html
    assert "Share the resettlement plan with the prison&#x27;s OMU" in html
    assert "Needs an address in Hull" in html
    assert "Dyslexia" in html or "dyslexia" in html
    # Restricted answers are never printed (issue 13 item 14).
    assert 'lj-no-print" data-testid="check-restricted"' in html
    assert date_format(today - dt.timedelta(days=2)) in html
    # Every date reads in words: the interview's date is not shown as typed by a machine.
    interview_row = html.split("Date of the interview</dt>")[1].split("</dd>")[0]
    assert date_format(today - dt.timedelta(days=2)) in interview_row
    assert (today - dt.timedelta(days=2)).isoformat() not in html
    # A change goes back to "check your answers", not through every step again.
    changed = client.post(
        step_url(referred, "education"),
        {"education": "A levels", "work_history": "", "coding_experience": ""},
    )
    assert changed["Location"] == check_url(referred)
    assert "A levels" in client.get(check_url(referred)).content.decode()


def test_confirming_before_every_step_is_answered_says_what_is_missing(
    client, regional_manager, referred, today
):
    client.force_login(regional_manager)
    data = step_data(today)
    client.post(step_url(referred, "interview"), data["interview"])
    response = client.post(check_url(referred))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="govuk-error-summary"') == 1
    assert "Answer the questions on consents" in html
    assert f'href="{step_url(referred, "consents")}"' in html
    assert "Not answered yet" in html
    assert not IntakeInterview.objects.exists()
    assert IntakeDraft.objects.filter(learner=referred).exists()


def test_the_check_page_without_answers_starts_the_interview(client, regional_manager, referred):
    client.force_login(regional_manager)
    assert client.get(check_url(referred))["Location"] == step_url(referred, "interview")
    assert client.post(check_url(referred))["Location"] == step_url(referred, "interview")
    assert not IntakeInterview.objects.exists()


def test_unsaved_answers_can_be_deleted(client, regional_manager, referred, today):
    client.force_login(regional_manager)
    client.post(step_url(referred, "interview"), step_data(today)["interview"])
    response = client.post(reverse("learners:intake_discard", kwargs={"pk": referred.pk}))
    assert response.status_code == 302
    assert not IntakeDraft.objects.exists()
    assert AuditEvent.objects.filter(action="intake.draft_discard").count() == 1


def test_each_interviewer_has_their_own_draft(
    client, regional_manager, make_user, prison, referred, today
):
    colleague = make_user("regional_manager", [prison])
    client.force_login(regional_manager)
    client.post(step_url(referred, "education"), step_data(today)["education"])
    client.force_login(colleague)
    assert "GCSEs in maths" not in client.get(step_url(referred, "education")).content.decode()
    client.post(check_url(referred))
    assert IntakeDraft.objects.filter(author=regional_manager).exists()


# --- Editing a recorded interview --------------------------------------------------


def test_editing_the_intake_keeps_history_and_withdraws_consent(
    client, regional_manager, referred, today
):
    client.force_login(regional_manager)
    run_intake(client, referred, today)
    # Editing starts at "check your answers", every step filled from the record.
    start = client.get(reverse("learners:intake_edit", kwargs={"pk": referred.pk}))
    assert start["Location"] == check_url(referred)
    assert "Needs an address in Hull" in client.get(check_url(referred)).content.decode()
    education = client.get(step_url(referred, "education")).content.decode()
    assert "Warehouse" in education

    client.post(
        step_url(referred, "education"),
        {**step_data(today)["education"], "work_history": "Warehouse, then a kitchen"},
    )
    consents = dict(step_data(today)["consents"])
    consents.pop("consent_share_with_omu")
    client.post(step_url(referred, "consents"), consents)
    response = client.post(check_url(referred))
    assert response.status_code == 302

    revision = IntakeRevision.objects.get()
    assert revision.changed_by == regional_manager
    assert "work_history" in revision.fields
    assert "consents" in revision.fields
    assert "education" not in revision.fields  # unchanged answers are not changes
    history = client.get(reverse("learners:intake", kwargs={"pk": referred.pk})).content.decode()
    assert "work history, consents" in history
    share = Consent.objects.get(learner=referred, kind=ConsentKind.SHARE_WITH_OMU)
    assert share.withdrawn_on == today
    # The goal agreed at the interview is kept, not duplicated.
    assert Goal.objects.filter(learner=referred).count() == 1
    # Status is not changed again by editing.
    assert referred.status_changes.count() == 1
    assert AuditEvent.objects.filter(action="intake.update", learner_ref=referred.pk).count() == 1


# --- Who may -----------------------------------------------------------------------


def test_omu_and_other_prison_cannot_open_the_intake(
    client, omu, make_user, other_prison, consenting_learner
):
    url = reverse("learners:intake", kwargs={"pk": consenting_learner.pk})
    client.force_login(omu)
    assert client.get(url).status_code == 403
    client.force_login(make_user("regional_manager", [other_prison]))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("step", [*STEPS, "check"])
def test_another_prisons_manager_gets_404_and_other_roles_403(
    client, make_user, prison, other_prison, referred, today, step
):
    url = check_url(referred) if step == "check" else step_url(referred, step)
    data = {} if step == "check" else step_data(today)[step]
    client.force_login(make_user("regional_manager", [other_prison]))
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    for role in ("tutor", "omu", "director", "administrator"):
        client.force_login(make_user(role, [prison]))
        assert client.get(url).status_code == 403, role
        assert client.post(url, data).status_code == 403, role
    assert not IntakeDraft.objects.exists()
    assert not IntakeInterview.objects.exists()


def test_an_unknown_step_is_not_found(client, regional_manager, referred):
    client.force_login(regional_manager)
    assert client.get(step_url(referred, "hobbies")).status_code == 404


def test_answers_changed_in_another_window_are_not_recorded_unseen(
    client, regional_manager, referred, today
):
    from django.core.exceptions import ValidationError

    from learners.intake_steps import intake_payload
    from learners.services import intake_draft_confirm

    client.force_login(regional_manager)
    answer_every_step(client, referred, step_data(today))
    draft = IntakeDraft.objects.get()
    seen = {**draft.answers, "release": {"expected_release_on": None, "release_area": "Leeds"}}
    with pytest.raises(ValidationError, match="changed in another window"):
        intake_draft_confirm(
            actor=regional_manager,
            learner=referred,
            checked=seen,
            **intake_payload(seen, sees_restricted=True),
        )
    assert not IntakeInterview.objects.exists()
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()
