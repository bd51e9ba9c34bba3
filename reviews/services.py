"""Writes for learning and reviews. Each service runs in one transaction, writes
the timeline entry and one audit event per learner it changes, and keeps
`Learner.next_review_due_on` up to date through `schedule_refresh`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import access_for
from accounts.models import Role
from audit.actions import Action
from audit.late_entries import happened_at
from audit.services import audit_record
from code4000.plain_words import in_sentence
from learners import events
from learners.models import (
    CourseStatus,
    Learner,
    StatusField,
    TimelineKind,
)
from learners.services import learner_status_move
from learners.timeline import change_record, timeline_record
from reviews.models import (
    Intervention,
    InterventionStatus,
    Module,
    ModuleCompletion,
    Review,
    ReviewPause,
    ReviewStatus,
    SkillRating,
)
from reviews.schedule import ReviewState, Schedule
from reviews.selectors import required_progress, schedule_for

# The schedule


def schedule_refresh(learner: Learner, *, today: dt.date | None = None) -> Schedule:
    """Recompute the learner's schedule and store the next due date on the learner
    (nothing while paused or when no review is scheduled). Called by every service
    that changes an input of the schedule; the intake and release services may call
    it too."""
    schedule = schedule_for(learner, today=today)
    due_on = schedule.stored_due_on
    paused = schedule.state is ReviewState.PAUSED
    if learner.next_review_due_on != due_on or learner.reviews_paused != paused:
        old = learner.next_review_due_on
        Learner.objects.filter(pk=learner.pk).update(
            next_review_due_on=due_on, reviews_paused=paused
        )
        learner.next_review_due_on = due_on
        learner.reviews_paused = paused
        if old != due_on and transaction.get_connection().in_atomic_block:
            events.publish(
                events.ReviewScheduleChanged(
                    learner_id=learner.pk, actor_id=None, old=old, new=due_on
                )
            )
    return schedule


def schedule_refresh_for(learner_id: int) -> Schedule:
    """schedule_refresh for a learner known by id (the journey-event listeners)."""
    return schedule_refresh(Learner.objects.get(pk=learner_id))


# Course status (graduation)


def graduate_if_complete(*, actor, learner: Learner, on: dt.date | None = None) -> bool:
    """Graduate the learner when every current required module is completed (the
    graduation rule). Only an active learner graduates (COURSE_TRANSITIONS)."""
    if learner.course_status != CourseStatus.ACTIVE:
        return False
    required = Module.objects.required()
    total = required.count()
    if total == 0:
        return False
    done = ModuleCompletion.objects.filter(learner=learner, module__in=required).count()
    if done < total:
        return False
    learner.graduated_on = on or timezone.localdate()
    learner_status_move(
        actor=actor,
        learner=learner,
        field=StatusField.COURSE,
        to=CourseStatus.GRADUATED,
        reason="Completed every module required for graduation.",
        kind=TimelineKind.GRADUATION,
        summary=f"Graduated: completed all {total} required modules",
    )
    return True


@transaction.atomic
def graduation_exception_record(*, actor, learner: Learner, reason: str) -> None:
    """A director graduates a learner who has not completed every required module,
    saying why. Audited, and on the timeline with the reason."""
    if access_for(actor).role != Role.DIRECTOR:
        raise PermissionDenied("Only a director can record a graduation exception.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the exception"})
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    if learner.course_status != CourseStatus.ACTIVE:
        raise ValidationError(
            f"Only an active learner can graduate; {learner.display_name} is "
            f"{in_sentence(learner.get_course_status_display())}."
        )
    learner_status_move(
        actor=actor,
        learner=learner,
        field=StatusField.COURSE,
        to=CourseStatus.GRADUATED,
        reason=reason,
        audit=False,
        kind=TimelineKind.GRADUATION,
        summary=f"Graduated by a director's exception: {reason}",
    )
    audit_record(
        actor=actor,
        action=Action.LEARNER_GRADUATION_EXCEPTION,
        obj=learner,
        learner_id=learner.pk,
        detail={"required_done": required_progress(learner).done},
    )


# Module completions


@dataclass(frozen=True)
class CompletionResult:
    completion: ModuleCompletion | None
    graduated: bool
    already_done: bool = False


def _completion_create(
    *,
    actor,
    learner: Learner,
    module: Module,
    completed_on: dt.date,
    assessed_by,
    evidence: str,
    evidence_link: str = "",
) -> CompletionResult:
    if ModuleCompletion.objects.filter(learner=learner, module=module).exists():
        return CompletionResult(None, graduated=False, already_done=True)
    completion = ModuleCompletion(
        learner=learner,
        module=module,
        completed_on=completed_on,
        assessed_by=assessed_by,
        evidence=evidence,
        evidence_link=evidence_link,
        recorded_by=actor,
    )
    completion.full_clean()
    completion.save()
    change_record(
        actor=actor,
        action=Action.COMPLETION_CREATE,
        learner=learner,
        obj=completion,
        summary=f"Completed {module.track.name}: {module.title}",
        kind=TimelineKind.MODULE,
        occurred_at=happened_at(completed_on),
        detail={"module": module.pk, "bulk": False},
    )
    graduated = (
        module.required_for_graduation
        and not module.is_retired
        and graduate_if_complete(actor=actor, learner=learner, on=completed_on)
    )
    return CompletionResult(completion, graduated=graduated)


@transaction.atomic
def completion_record(
    *,
    actor,
    learner: Learner,
    module: Module,
    completed_on: dt.date,
    assessed_by,
    evidence: str,
    evidence_link: str = "",
) -> CompletionResult:
    """Record that a learner completed a module; graduate them if it was the last
    required one."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    return _completion_create(
        actor=actor,
        learner=learner,
        module=module,
        completed_on=completed_on,
        assessed_by=assessed_by,
        evidence=evidence,
        evidence_link=evidence_link,
    )


@transaction.atomic
def completions_record_bulk(
    *,
    actor,
    learners: Iterable[Learner],
    module: Module,
    completed_on: dt.date,
    evidence: str,
) -> list[tuple[Learner, CompletionResult]]:
    """A tutor after a class marks several learners' completion of one module."""
    ids = sorted(learner.pk for learner in learners)
    locked = Learner.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return [
        (
            learner,
            _completion_create(
                actor=actor,
                learner=learner,
                module=module,
                completed_on=completed_on,
                assessed_by=actor,
                evidence=evidence,
            ),
        )
        for learner in locked
    ]


# Skill ratings


def _ratings_write(
    *, actor, learner: Learner, ratings: Mapping[str, int], rated_on: dt.date, review=None
) -> None:
    for skill, rating in ratings.items():
        if not rating:
            continue
        SkillRating.objects.update_or_create(
            learner=learner,
            review=review,
            skill=skill,
            defaults={"rating": int(rating), "rated_on": rated_on, "recorded_by": actor},
        )


@transaction.atomic
def intake_ratings_record(
    *, actor, learner: Learner, ratings: Mapping[str, int], rated_on: dt.date
) -> None:
    """The starting confidence ratings (at intake). The intake interview may call this."""
    _ratings_write(actor=actor, learner=learner, ratings=ratings, rated_on=rated_on)
    audit_record(
        actor=actor,
        action=Action.SKILLS_INTAKE_RATINGS,
        obj=learner,
        learner_id=learner.pk,
        detail={"skills": sorted(ratings)},
    )


# Pauses


@transaction.atomic
def pause_start(
    *, actor, learner: Learner, reason: str, started_on: dt.date, note: str = ""
) -> ReviewPause:
    pause = ReviewPause(
        learner=learner, reason=reason, started_on=started_on, note=note, started_by=actor
    )
    pause.full_clean()
    pause.save()
    change_record(
        actor=actor,
        action=Action.REVIEW_PAUSE_START,
        learner=learner,
        obj=pause,
        summary=f"Reviews paused: {in_sentence(pause.get_reason_display())}",
        kind=TimelineKind.PAUSE,
        occurred_at=happened_at(started_on),
        restricted=reason == "health",
        detail={},
    )
    schedule_refresh(learner)
    return pause


@transaction.atomic
def pause_end(*, actor, pause: ReviewPause, ended_on: dt.date) -> ReviewPause:
    pause = ReviewPause.objects.select_for_update().get(pk=pause.pk)
    if pause.ended_on is not None:
        raise ValidationError("This pause has already ended.")
    if ended_on < pause.started_on:
        raise ValidationError(
            {"ended_on": "The date the pause ended must be on or after the day it started."}
        )
    pause.ended_on = ended_on
    pause.ended_by = actor
    pause.save(update_fields=["ended_on", "ended_by"])
    learner = pause.learner
    change_record(
        actor=actor,
        action=Action.REVIEW_PAUSE_END,
        learner=learner,
        obj=pause,
        summary="Reviews resumed",
        kind=TimelineKind.PAUSE,
        occurred_at=happened_at(ended_on),
        restricted=pause.reason == "health",
    )
    schedule_refresh(learner)
    return pause


# Reviews

REVIEW_FIELDS = [
    "held_on",
    "participants",
    "progress",
    "attendance",
    "engagement",
    "rag",
    "rag_reason",
    "goals_achieved",
    "goals_continued",
    "goals_new",
    "learner_words",
]


class StaleReviewError(Exception):
    """Somebody else saved the review since the editor loaded it."""

    def __init__(self, current: Review, changes: list[tuple[str, str, str]]):
        self.current = current
        self.changes = changes  # (field label, their saved value, your value)
        super().__init__("The review was changed by somebody else.")


@transaction.atomic
def review_start(*, actor, learner: Learner) -> Review:
    """Open a draft for the learner's next review (or return the draft already open)."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    existing = Review.objects.filter(learner=learner, status=ReviewStatus.DRAFT).first()
    if existing is not None:
        return existing
    schedule = schedule_for(learner)
    review = Review.objects.create(
        learner=learner,
        due_on=schedule.due_on,
        pre_release=schedule.pre_release,
        created_by=actor,
        updated_by=actor,
    )
    audit_record(actor=actor, action=Action.REVIEW_START, obj=review, learner_id=learner.pk)
    return review


def _display(review: Review, field: str, value: Any) -> str:
    model_field = Review._meta.get_field(field)
    if model_field.choices and value:
        return str(dict(model_field.choices).get(value, value))
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value or "(empty)")


@transaction.atomic
def review_save(
    *,
    actor,
    review: Review,
    version: int,
    data: Mapping[str, Any],
    ratings: Mapping[str, int],
    complete: bool,
) -> Review:
    """Save the review form, as a draft or complete.

    Optimistic locking: the row is updated only if its version is still the one
    the editor loaded (UPDATE ... WHERE version = n). Otherwise nothing is written
    and StaleReviewError says what the other person changed."""
    if review.status == ReviewStatus.COMPLETE:
        raise ValidationError("This review is complete and can no longer be changed.")
    values = {field: data.get(field, getattr(review, field)) for field in REVIEW_FIELDS}
    now = timezone.now()
    update: dict[str, Any] = {
        **values,
        "version": version + 1,
        "updated_by": actor,
        "updated_at": now,
    }
    if complete:
        update["status"] = ReviewStatus.COMPLETE
        update["completed_at"] = now
    updated = Review.objects.filter(
        pk=review.pk, version=version, status=ReviewStatus.DRAFT
    ).update(**update)
    if updated == 0:
        current = Review.objects.select_related("updated_by").get(pk=review.pk)
        changes = [
            (
                str(Review._meta.get_field(field).verbose_name).capitalize(),
                _display(current, field, getattr(current, field)),
                _display(current, field, values[field]),
            )
            for field in REVIEW_FIELDS
            if getattr(current, field) != values[field]
        ]
        raise StaleReviewError(current, changes)
    review.refresh_from_db()
    learner = review.learner
    rated_on = review.held_on or timezone.localdate()
    _ratings_write(actor=actor, learner=learner, ratings=ratings, rated_on=rated_on, review=review)
    if complete:
        SkillRating.objects.filter(review=review).update(rated_on=review.held_on)
        change_record(
            actor=actor,
            action=Action.REVIEW_COMPLETE,
            learner=learner,
            obj=review,
            summary=f"{'Pre-release review' if review.pre_release else 'Progress review'} held"
            f" ({review.get_rag_display().split(':')[0].lower()})",
            kind=TimelineKind.REVIEW,
            occurred_at=happened_at(review.held_on),
        )
        schedule_refresh(learner)
        events.publish(
            events.ReviewCompleted(
                learner_id=learner.pk,
                actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
                review_id=review.pk,
                held_on=review.held_on,
                pre_release=review.pre_release,
            )
        )
    else:
        audit_record(
            actor=actor, action=Action.REVIEW_SAVE_DRAFT, obj=review, learner_id=learner.pk
        )
    return review


# Interventions


@transaction.atomic
def intervention_raise(
    *,
    actor,
    learner: Learner,
    kind: str,
    description: str,
    owner,
    due_on: dt.date,
    review: Review | None = None,
) -> Intervention:
    intervention = Intervention(
        learner=learner,
        review=review,
        kind=kind,
        description=description,
        owner=owner,
        due_on=due_on,
        raised_by=actor,
    )
    intervention.full_clean()
    intervention.save()
    change_record(
        actor=actor,
        action=Action.INTERVENTION_CREATE,
        learner=learner,
        obj=intervention,
        summary=f"Intervention agreed: {in_sentence(intervention.get_kind_display())}, "
        f"owned by {owner.full_name}",
        kind=TimelineKind.INTERVENTION,
        restricted=intervention.restricted,
    )
    return intervention


@transaction.atomic
def intervention_update(
    *,
    actor,
    intervention: Intervention,
    description: str,
    owner,
    due_on: dt.date,
    status: str,
    outcome: str,
) -> Intervention:
    was_open = intervention.is_open
    intervention.description = description
    intervention.owner = owner
    intervention.due_on = due_on
    intervention.status = status
    intervention.outcome = outcome
    if status == InterventionStatus.OPEN:
        intervention.closed_on = None
    elif was_open:
        intervention.closed_on = timezone.localdate()
    intervention.full_clean()
    intervention.save()
    if was_open and not intervention.is_open:
        timeline_record(
            learner=intervention.learner,
            kind=TimelineKind.INTERVENTION,
            summary=f"Intervention {in_sentence(intervention.get_status_display())}: "
            f"{in_sentence(intervention.get_kind_display())}",
            actor=actor,
            obj=intervention,
            restricted=intervention.restricted,
        )
    audit_record(
        actor=actor,
        action=Action.INTERVENTION_UPDATE,
        obj=intervention,
        learner_id=intervention.learner_id,
        detail={"status": status},
    )
    return intervention
