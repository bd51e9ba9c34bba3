import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import CourseStatus
from reviews import services
from reviews.models import (
    Intervention,
    InterventionKind,
    ModuleCompletion,
    Review,
    ReviewPause,
    ReviewStatus,
    Skill,
    SkillRating,
)
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def iso(day: dt.date) -> str:
    return day.isoformat()


# Learning


def test_learning_page_shows_progress_modules_and_the_skills_chart(
    client, tutor, active_learner, curriculum
):
    services.completion_record(
        actor=tutor,
        learner=active_learner,
        module=curriculum["html"],
        completed_on=TODAY(),
        assessed_by=tutor,
        evidence="A page about bees",
    )
    services.intake_ratings_record(
        actor=tutor, learner=active_learner, ratings={"teamwork": 1}, rated_on=TODAY()
    )
    client.force_login(tutor)
    response = client.get(reverse("reviews:learning", args=[active_learner.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 of 2 required modules completed (50%)" in html
    assert '<rect x="0" y="0" width="50" height="10" fill="#00703c"/>' in html
    assert "A page about bees" in html
    assert "<svg" in html and "distance travelled" in html
    assert 'data-testid="skills-table"' in html
    assert "style=" not in html
    assert (
        AuditEvent.objects.filter(action="learner.view", learner_ref=active_learner.pk).count() == 1
    )


def test_record_a_completion(client, tutor, active_learner, curriculum):
    client.force_login(tutor)
    url = reverse("reviews:completion_add", args=[active_learner.pk])
    response = client.post(
        url,
        {
            "module": curriculum["git"].pk,
            "completed_on": iso(TODAY()),
            "assessed_by": tutor.pk,
            "evidence": "Pushed a repository",
        },
    )
    assert response.status_code == 302
    completion = ModuleCompletion.objects.get()
    assert (completion.module, completion.recorded_by) == (curriculum["git"], tutor)


def test_completion_form_errors_save_nothing(client, tutor, active_learner, curriculum):
    client.force_login(tutor)
    url = reverse("reviews:completion_add", args=[active_learner.pk])
    response = client.post(
        url,
        {
            "module": curriculum["git"].pk,
            "completed_on": iso(TODAY() + dt.timedelta(days=3)),
            "assessed_by": tutor.pk,
            "evidence": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The date completed must be today or in the past" in html
    assert "Describe what the learner built" in html
    assert "<title>Error: Record a module completion" in html
    assert not ModuleCompletion.objects.exists()


def test_the_last_required_module_graduates_from_the_page(
    client, tutor, active_learner, curriculum
):
    services.completion_record(
        actor=tutor,
        learner=active_learner,
        module=curriculum["html"],
        completed_on=TODAY(),
        assessed_by=tutor,
        evidence="x",
    )
    client.force_login(tutor)
    response = client.post(
        reverse("reviews:completion_add", args=[active_learner.pk]),
        {
            "module": curriculum["css"].pk,
            "completed_on": iso(TODAY()),
            "assessed_by": tutor.pk,
            "evidence": "A grid layout",
        },
        follow=True,
    )
    assert "has completed every required module and graduated" in response.content.decode()
    active_learner.refresh_from_db()
    assert active_learner.course_status == CourseStatus.GRADUATED


def test_checklist_records_several_learners_at_once(
    client, tutor, prison, other_prison, curriculum
):
    learners = LearnerFactory.create_batch(3, prison=prison)
    elsewhere = LearnerFactory(prison=other_prison)
    client.force_login(tutor)
    url = reverse("reviews:checklist")
    page = client.get(url)
    assert elsewhere.prison_number not in page.content.decode()
    response = client.post(
        url,
        {
            "module": curriculum["git"].pk,
            "completed_on": iso(TODAY()),
            "evidence": "Forked and cloned",
            "learners": [learner.pk for learner in learners],
        },
    )
    assert response.status_code == 302
    assert ModuleCompletion.objects.filter(module=curriculum["git"]).count() == 3
    # A learner at another prison cannot be slipped in.
    response = client.post(
        url,
        {
            "module": curriculum["html"].pk,
            "completed_on": iso(TODAY()),
            "evidence": "x",
            "learners": [elsewhere.pk],
        },
    )
    assert response.status_code == 400
    assert not ModuleCompletion.objects.filter(learner=elsewhere).exists()


def test_checklist_needs_a_learner(client, tutor, prison, curriculum):
    LearnerFactory(prison=prison)
    client.force_login(tutor)
    response = client.post(
        reverse("reviews:checklist"),
        {"module": curriculum["git"].pk, "completed_on": iso(TODAY()), "evidence": "x"},
    )
    assert response.status_code == 400
    assert "Select at least one learner" in response.content.decode()


# Reviews


def _review_post(version: int, **overrides) -> dict:
    data = {
        "version": version,
        "held_on": iso(TODAY()),
        "participants": "Learner and tutor",
        "progress": "Finished the CSS track",
        "attendance": "full",
        "rag": "green",
        "complete": "Complete review",
    }
    data.update({f"skill_{skill.value}": "3" for skill in Skill})
    data.update(overrides)
    return data


def test_start_save_draft_and_complete_a_review(client, tutor, active_learner):
    client.force_login(tutor)
    response = client.post(reverse("reviews:review_start", args=[active_learner.pk]))
    review = Review.objects.get()
    assert response["Location"] == reverse(
        "reviews:review_edit", args=[active_learner.pk, review.pk]
    )
    url = response["Location"]
    assert client.get(url).status_code == 200
    draft = {"version": 1, "progress": "Half way", "save_draft": "Save as draft"}
    assert client.post(url, draft).status_code == 302
    review.refresh_from_db()
    assert (review.status, review.progress, review.version) == ("draft", "Half way", 2)
    response = client.post(url, _review_post(2))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETE
    assert SkillRating.objects.filter(review=review).count() == 10
    active_learner.refresh_from_db()
    assert active_learner.next_review_due_on == TODAY() + dt.timedelta(weeks=12)


def test_completing_a_review_checks_every_answer(client, tutor, active_learner):
    review = services.review_start(actor=tutor, learner=active_learner)
    client.force_login(tutor)
    url = reverse("reviews:review_edit", args=[active_learner.pk, review.pk])
    data = _review_post(1, rag="amber", rag_reason="", attendance="", skill_teamwork="")
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the reason for an amber or red judgement" in html
    assert "Choose the learner&#x27;s attendance" in html
    assert "Rate the learner&#x27;s teamwork" in html
    review.refresh_from_db()
    assert (review.status, review.version) == ("draft", 1)


def test_review_cannot_be_held_before_the_intake_interview(client, tutor, active_learner):
    review = services.review_start(actor=tutor, learner=active_learner)
    client.force_login(tutor)
    url = reverse("reviews:review_edit", args=[active_learner.pk, review.pk])
    early = active_learner.intake_completed_on - dt.timedelta(days=1)
    response = client.post(url, _review_post(1, held_on=iso(early)))
    assert response.status_code == 400
    assert "the intake interview or the last review" in response.content.decode()


def test_second_editor_is_refused_with_what_changed(
    client, tutor, regional_manager, active_learner
):
    review = services.review_start(actor=tutor, learner=active_learner)
    url = reverse("reviews:review_edit", args=[active_learner.pk, review.pk])
    # Rachel saves first, from the same version 1 that Tom loaded.
    client.force_login(regional_manager)
    client.post(url, {"version": 1, "progress": "Rachel's view", "save_draft": "1"})
    client.force_login(tutor)
    response = client.post(url, _review_post(1, progress="Tom's view"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Somebody else saved this review while you were editing it" in html
    assert "Rachel Manager" in html
    assert "Rachel&#x27;s view" in html and "Tom&#x27;s view" in html
    review.refresh_from_db()
    assert (review.progress, review.status, review.version) == ("Rachel's view", "draft", 2)


def test_completed_review_page(client, tutor, active_learner):
    review = services.review_start(actor=tutor, learner=active_learner)
    services.review_save(
        actor=tutor,
        review=review,
        version=1,
        data={"held_on": TODAY(), "rag": "red", "rag_reason": "Missed sessions", "progress": "x"},
        ratings={"planning": 2},
        complete=True,
    )
    client.force_login(tutor)
    response = client.get(reverse("reviews:review_detail", args=[active_learner.pk, review.pk]))
    html = response.content.decode()
    assert "Missed sessions" in html
    assert "A little confident" in html
    # A completed review cannot be edited: the edit page sends you to the record.
    edit = client.get(reverse("reviews:review_edit", args=[active_learner.pk, review.pk]))
    assert edit.status_code == 302


def test_review_of_another_learner_is_not_found(client, tutor, active_learner, prison):
    other = LearnerFactory(prison=prison)
    review = services.review_start(actor=tutor, learner=other)
    client.force_login(tutor)
    url = reverse("reviews:review_edit", args=[active_learner.pk, review.pk])
    assert client.get(url).status_code == 404


def test_pause_and_resume_from_the_pages(client, tutor, active_learner):
    client.force_login(tutor)
    response = client.post(
        reverse("reviews:pause_start", args=[active_learner.pk]),
        {"reason": "transfer", "started_on": iso(TODAY() - dt.timedelta(days=5))},
    )
    assert response.status_code == 302
    pause = ReviewPause.objects.get()
    reviews_page = client.get(reverse("reviews:learner_reviews", args=[active_learner.pk]))
    assert "Paused" in reviews_page.content.decode()
    end_url = reverse("reviews:pause_end", args=[active_learner.pk, pause.pk])
    bad = client.post(end_url, {"ended_on": iso(TODAY() - dt.timedelta(days=6))})
    assert bad.status_code == 400
    assert "on or after the day it started" in bad.content.decode()
    assert client.post(end_url, {"ended_on": iso(TODAY())}).status_code == 302
    pause.refresh_from_db()
    assert pause.ended_on == TODAY()


def test_pause_form_errors(client, tutor, active_learner):
    client.force_login(tutor)
    response = client.post(reverse("reviews:pause_start", args=[active_learner.pk]), {})
    assert response.status_code == 400
    assert "Choose why reviews are paused" in response.content.decode()
    assert not ReviewPause.objects.exists()


# Interventions


def test_add_and_close_an_intervention(client, tutor, active_learner):
    client.force_login(tutor)
    response = client.post(
        reverse("reviews:intervention_add", args=[active_learner.pk]),
        {
            "kind": InterventionKind.EXTRA_TUTOR_TIME,
            "description": "An extra hour",
            "owner": tutor.pk,
            "due_on": iso(TODAY()),
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    url = reverse("reviews:intervention_edit", args=[active_learner.pk, intervention.pk])
    done = {
        "description": "An extra hour",
        "owner": tutor.pk,
        "due_on": iso(TODAY()),
        "status": "done",
        "outcome": "",
    }
    response = client.post(url, done)
    assert response.status_code == 400
    assert "Describe the outcome of the intervention" in response.content.decode()
    assert client.post(url, {**done, "outcome": "Caught up"}).status_code == 302
    intervention.refresh_from_db()
    assert (intervention.status, intervention.outcome) == ("done", "Caught up")


def test_tutors_neither_see_nor_raise_restricted_referrals(
    client, tutor, regional_manager, active_learner
):
    services.intervention_raise(
        actor=regional_manager,
        learner=active_learner,
        kind=InterventionKind.SUBSTANCE_MISUSE,
        description="Referral to the recovery team",
        owner=regional_manager,
        due_on=TODAY(),
    )
    client.force_login(tutor)
    page = client.get(reverse("reviews:learner_interventions", args=[active_learner.pk]))
    assert "recovery team" not in page.content.decode()
    response = client.post(
        reverse("reviews:intervention_add", args=[active_learner.pk]),
        {
            "kind": InterventionKind.SUBSTANCE_MISUSE,
            "description": "x",
            "owner": tutor.pk,
            "due_on": iso(TODAY()),
        },
    )
    assert response.status_code == 400
    assert Intervention.objects.count() == 1
    client.force_login(regional_manager)
    page = client.get(reverse("reviews:learner_interventions", args=[active_learner.pk]))
    assert "recovery team" in page.content.decode()


def test_starting_skill_ratings(client, tutor, active_learner):
    client.force_login(tutor)
    url = reverse("reviews:starting_skills", args=[active_learner.pk])
    data = {f"skill_{skill.value}": "2" for skill in Skill}
    missing = client.post(url, {**data, "skill_planning": "", "rated_on": iso(TODAY())})
    assert missing.status_code == 400
    assert "Rate the learner&#x27;s planning" in missing.content.decode()
    assert not SkillRating.objects.exists()
    assert client.post(url, {**data, "rated_on": iso(TODAY())}).status_code == 302
    assert SkillRating.objects.filter(learner=active_learner, review=None).count() == 10
    # Saving again corrects them rather than adding a second set.
    client.post(url, {**data, "skill_planning": "4", "rated_on": iso(TODAY())})
    assert SkillRating.objects.filter(learner=active_learner, review=None).count() == 10
    assert SkillRating.objects.get(skill="planning").rating == 4


def test_intervention_raised_from_a_draft_review(client, tutor, active_learner):
    review = services.review_start(actor=tutor, learner=active_learner)
    client.force_login(tutor)
    url = reverse("reviews:intervention_add", args=[active_learner.pk]) + f"?review={review.pk}"
    empty = client.post(url, {})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "Choose the type of intervention" in html
    assert "Describe what has been agreed" in html
    assert "Enter the due date" in html
    response = client.post(
        url,
        {
            "kind": InterventionKind.OMU_LIAISON,
            "description": "Ask the OMU about a laptop",
            "owner": tutor.pk,
            "due_on": iso(TODAY()),
        },
    )
    assert response["Location"] == reverse(
        "reviews:review_edit", args=[active_learner.pk, review.pk]
    )
    assert Intervention.objects.get().review == review
    edit = client.get(response["Location"]).content.decode()
    assert "Ask the OMU about a laptop" in edit


def test_review_edit_page_hides_a_draft_reviews_restricted_referrals_from_tutors(
    client, tutor, regional_manager, active_learner
):
    """Issue 13 item 1: the draft review's intervention list went round the filter."""
    review = services.review_start(actor=tutor, learner=active_learner)
    for kind, text in [
        (InterventionKind.SUBSTANCE_MISUSE, "Referral to the recovery team"),
        (InterventionKind.WELLBEING, "Referral to the wellbeing service"),
        (InterventionKind.EXTRA_TUTOR_TIME, "An extra hour on Fridays"),
    ]:
        services.intervention_raise(
            actor=regional_manager,
            learner=active_learner,
            kind=kind,
            description=text,
            owner=regional_manager,
            due_on=TODAY(),
            review=review,
        )
    url = reverse("reviews:review_edit", args=[active_learner.pk, review.pk])
    client.force_login(tutor)
    html = client.get(url).content.decode()
    assert "An extra hour on Fridays" in html
    assert "recovery team" not in html
    assert "wellbeing service" not in html
    assert "Substance-misuse referral" not in html
    client.force_login(regional_manager)
    html = client.get(url).content.decode()
    assert "recovery team" in html and "wellbeing service" in html
