import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import CourseStatus, StatusChange, TimelineEvent, TimelineKind
from reviews import services
from reviews.models import (
    InterventionKind,
    InterventionStatus,
    ModuleCompletion,
    Review,
    ReviewStatus,
    SkillRating,
)
from reviews.schedule import ReviewState
from reviews.selectors import required_progress, schedule_for
from tests.factories import LearnerFactory
from tests.reviews.factories import ModuleFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def complete(actor, learner, module, **kwargs):
    kwargs.setdefault("completed_on", TODAY())
    return services.completion_record(
        actor=actor,
        learner=learner,
        module=module,
        assessed_by=actor,
        evidence="Built a page about their favourite band",
        **kwargs,
    )


def test_completion_writes_timeline_and_audit(tutor, active_learner, curriculum):
    result = complete(tutor, active_learner, curriculum["html"])
    assert result.completion.module == curriculum["html"]
    assert TimelineEvent.objects.filter(
        learner=active_learner, kind=TimelineKind.MODULE, summary__contains="HTML basics"
    ).exists()
    assert (
        AuditEvent.objects.filter(action="completion.create", learner_ref=active_learner.pk).count()
        == 1
    )


def test_graduation_exactly_when_the_last_required_module_is_completed(
    tutor, active_learner, curriculum
):
    first = complete(tutor, active_learner, curriculum["html"])
    assert first.graduated is False
    active_learner.refresh_from_db()
    assert active_learner.course_status == CourseStatus.ACTIVE

    last = complete(
        tutor, active_learner, curriculum["css"], completed_on=TODAY() - dt.timedelta(1)
    )
    assert last.graduated is True
    active_learner.refresh_from_db()
    assert active_learner.course_status == CourseStatus.GRADUATED
    assert active_learner.graduated_on == TODAY() - dt.timedelta(1)
    assert active_learner.next_review_due_on is None
    change = StatusChange.objects.get(learner=active_learner)
    assert (change.from_status, change.to_status) == ("active", "graduated")
    assert (
        TimelineEvent.objects.filter(learner=active_learner, kind=TimelineKind.GRADUATION).count()
        == 1
    )
    event = AuditEvent.objects.get(action="learner.status_change")
    assert event.detail == {"field": "course", "from": "active", "to": "graduated"}


def test_an_optional_module_does_not_graduate(tutor, active_learner, curriculum):
    complete(tutor, active_learner, curriculum["html"])
    result = complete(tutor, active_learner, curriculum["git"])
    assert result.graduated is False
    active_learner.refresh_from_db()
    assert active_learner.course_status == CourseStatus.ACTIVE
    # ... and completing the optional module last, after all required ones, does not
    # graduate twice.
    complete(tutor, active_learner, curriculum["css"])
    assert StatusChange.objects.filter(learner=active_learner).count() == 1


def test_graduates_keep_learning_without_a_second_graduation(tutor, active_learner, curriculum):
    complete(tutor, active_learner, curriculum["html"])
    complete(tutor, active_learner, curriculum["css"])
    extra = ModuleFactory(track=curriculum["html"].track, title="Accessibility")
    result = complete(tutor, active_learner, extra)
    assert result.completion is not None
    assert result.graduated is False
    assert StatusChange.objects.filter(learner=active_learner).count() == 1


def test_retired_modules_keep_completions_and_are_not_required(tutor, active_learner, curriculum):
    complete(tutor, active_learner, curriculum["html"])
    curriculum["html"].retired_on = TODAY()
    curriculum["html"].save()
    assert ModuleCompletion.objects.filter(module=curriculum["html"]).count() == 1
    assert required_progress(active_learner).total == 1
    assert required_progress(active_learner).done == 0
    result = complete(tutor, active_learner, curriculum["css"])
    assert result.graduated is True


def test_the_same_module_is_not_recorded_twice(tutor, active_learner, curriculum):
    complete(tutor, active_learner, curriculum["git"])
    again = complete(tutor, active_learner, curriculum["git"])
    assert again.already_done is True
    assert ModuleCompletion.objects.filter(learner=active_learner).count() == 1


def test_bulk_checklist_records_each_learner_and_graduates_who_finished(
    tutor, prison, active_learner, curriculum
):
    others = LearnerFactory.create_batch(5, prison=prison, intake_completed_on=TODAY())
    complete(tutor, active_learner, curriculum["html"])
    results = services.completions_record_bulk(
        actor=tutor,
        learners=[active_learner, *others],
        module=curriculum["css"],
        completed_on=TODAY(),
        evidence="A responsive layout",
    )
    assert len(results) == 6
    assert ModuleCompletion.objects.filter(module=curriculum["css"]).count() == 6
    graduated = [learner.pk for learner, result in results if result.graduated]
    assert graduated == [active_learner.pk]
    assert AuditEvent.objects.filter(action="completion.create").count() == 7


def test_completion_in_the_future_is_refused_by_the_model_clean(tutor, active_learner, curriculum):
    with pytest.raises(ValidationError):
        services.completion_record(
            actor=tutor,
            learner=active_learner,
            module=curriculum["html"],
            completed_on=TODAY(),
            assessed_by=tutor,
            evidence="",
        )
    assert not ModuleCompletion.objects.exists()


# Reviews and the schedule


def test_completing_a_review_schedules_the_next_twelve_weeks_after_it(tutor, active_learner):
    services.schedule_refresh(active_learner)
    assert active_learner.next_review_due_on == active_learner.intake_completed_on + dt.timedelta(
        weeks=12
    )
    review = services.review_start(actor=tutor, learner=active_learner)
    held = TODAY() - dt.timedelta(days=2)
    services.review_save(
        actor=tutor,
        review=review,
        version=review.version,
        data={"held_on": held, "rag": "green", "progress": "Good", "attendance": "full"},
        ratings={"teamwork": 3},
        complete=True,
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETE
    assert review.version == 2
    active_learner.refresh_from_db()
    assert active_learner.next_review_due_on == held + dt.timedelta(weeks=12)
    rating = SkillRating.objects.get(review=review)
    assert (rating.skill, rating.rating, rating.rated_on) == ("teamwork", 3, held)
    assert TimelineEvent.objects.filter(learner=active_learner, kind=TimelineKind.REVIEW).exists()
    assert AuditEvent.objects.filter(action="review.complete").count() == 1


def test_a_stale_version_is_refused_and_nothing_is_overwritten(
    tutor, regional_manager, active_learner
):
    review = services.review_start(actor=tutor, learner=active_learner)
    loaded = review.version
    services.review_save(
        actor=regional_manager,
        review=review,
        version=loaded,
        data={"progress": "Rachel's notes"},
        ratings={},
        complete=False,
    )
    with pytest.raises(services.StaleReviewError) as caught:
        services.review_save(
            actor=tutor,
            review=review,
            version=loaded,
            data={"progress": "Tom's notes"},
            ratings={"teamwork": 1},
            complete=True,
        )
    assert (
        "Progress since the last review",
        "Rachel's notes",
        "Tom's notes",
    ) in caught.value.changes
    assert caught.value.current.updated_by == regional_manager
    review.refresh_from_db()
    assert review.progress == "Rachel's notes"
    assert review.status == ReviewStatus.DRAFT
    assert review.version == loaded + 1
    assert not SkillRating.objects.exists()


def test_only_one_draft_per_learner(tutor, active_learner):
    first = services.review_start(actor=tutor, learner=active_learner)
    second = services.review_start(actor=tutor, learner=active_learner)
    assert first.pk == second.pk
    assert Review.objects.count() == 1


def test_pause_and_resume_keep_the_stored_due_date_in_step(tutor, active_learner):
    services.schedule_refresh(active_learner)
    pause = services.pause_start(
        actor=tutor, learner=active_learner, reason="lockdown", started_on=TODAY()
    )
    active_learner.refresh_from_db()
    assert active_learner.next_review_due_on is None
    assert schedule_for(active_learner).state is ReviewState.PAUSED
    services.pause_end(actor=tutor, pause=pause, ended_on=TODAY())
    active_learner.refresh_from_db()
    assert active_learner.next_review_due_on == active_learner.intake_completed_on + dt.timedelta(
        weeks=12
    )
    assert (
        TimelineEvent.objects.filter(learner=active_learner, kind=TimelineKind.PAUSE).count() == 2
    )
    with pytest.raises(ValidationError):
        services.pause_end(actor=tutor, pause=pause, ended_on=TODAY())


def test_a_health_pause_is_restricted_on_the_timeline(tutor, active_learner):
    services.pause_start(actor=tutor, learner=active_learner, reason="health", started_on=TODAY())
    assert TimelineEvent.objects.get(kind=TimelineKind.PAUSE).restricted is True


def test_released_learner_has_no_next_review(tutor, active_learner):
    active_learner.custody_status = "released"
    active_learner.save()
    services.schedule_refresh(active_learner)
    active_learner.refresh_from_db()
    assert active_learner.next_review_due_on is None


# Interventions


def test_intervention_raise_and_close(tutor, regional_manager, active_learner):
    intervention = services.intervention_raise(
        actor=tutor,
        learner=active_learner,
        kind=InterventionKind.PEER_MENTORING,
        description="Pair with a graduate on Tuesdays",
        owner=tutor,
        due_on=TODAY() + dt.timedelta(days=14),
    )
    assert intervention.status == InterventionStatus.OPEN
    services.intervention_update(
        actor=regional_manager,
        intervention=intervention,
        description=intervention.description,
        owner=tutor,
        due_on=intervention.due_on,
        status=InterventionStatus.DONE,
        outcome="Attendance back to full",
    )
    intervention.refresh_from_db()
    assert intervention.closed_on == TODAY()
    assert TimelineEvent.objects.filter(kind=TimelineKind.INTERVENTION).count() == 2
    assert AuditEvent.objects.filter(action__startswith="intervention.").count() == 2


def test_substance_misuse_referral_is_restricted_on_the_timeline(regional_manager, active_learner):
    services.intervention_raise(
        actor=regional_manager,
        learner=active_learner,
        kind=InterventionKind.SUBSTANCE_MISUSE,
        description="Referral to the recovery team",
        owner=regional_manager,
        due_on=TODAY(),
    )
    assert TimelineEvent.objects.get(kind=TimelineKind.INTERVENTION).restricted is True
