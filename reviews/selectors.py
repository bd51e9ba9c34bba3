"""Reads of curriculum, progress, reviews and interventions.

Every record about a learner is reached through a learner the caller already
fetched with `learners.selectors.learner_for_user` (which scopes by prison and
role), or through `learner_list_for_user`; the `*_for_user` functions below
raise Http404 for anything outside that scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import Capability, access_for
from learners.models import Learner
from learners.selectors import learner_list_for_user
from reviews.models import (
    Intervention,
    InterventionStatus,
    Module,
    ModuleCompletion,
    Review,
    ReviewPause,
    ReviewStatus,
    Skill,
    SkillRating,
    Track,
)
from reviews.schedule import DUE_WINDOW, Pause, Schedule, next_review


def schedule_for(learner: Learner, *, today: dt.date | None = None) -> Schedule:
    """The learner's review schedule today, from their reviews and pauses."""
    last = (
        Review.objects.filter(learner=learner, status=ReviewStatus.COMPLETE)
        .order_by("-held_on", "-pk")
        .only("held_on", "pre_release")
        .first()
    )
    pauses = [
        Pause(p.started_on, p.ended_on)
        for p in ReviewPause.objects.filter(learner=learner).only("started_on", "ended_on")
    ]
    return schedule_from(learner, last=last, pauses=pauses, today=today)


def schedule_from(
    learner: Learner, *, last: Review | None, pauses: list[Pause], today: dt.date | None = None
) -> Schedule:
    """The schedule from records already read: the learner's latest complete review
    (by date held, then pk) and their pauses. `schedule_for` reads them for one
    learner; the nightly refresh (`reviews.refresh`) reads them a chunk at a time."""
    return next_review(
        intake_completed_on=learner.intake_completed_on,
        last_held_on=last.held_on if last else None,
        last_was_pre_release=bool(last and last.pre_release),
        pauses=pauses,
        expected_release_on=learner.expected_release_on,
        course_status=learner.course_status,
        custody_status=learner.custody_status,
        today=today,
    )


# Curriculum and progress


def current_modules() -> QuerySet[Module]:
    return Module.objects.current().select_related("track")


def tracks_with_modules() -> list[Track]:
    return list(Track.objects.prefetch_related("modules"))


def curriculum_rows(completions: list[ModuleCompletion]) -> list[dict]:
    """Each track with its modules and the learner's completion of each; retired
    modules only where the learner completed them."""
    by_module = {c.module_id: c for c in completions}
    rows = []
    for track in tracks_with_modules():
        modules = [
            {"module": m, "completion": by_module.get(m.pk)}
            for m in track.modules.all()
            if not m.is_retired or m.pk in by_module
        ]
        if modules:
            rows.append({"track": track, "modules": modules})
    return rows


def completed_module_ids(learner: Learner) -> list[int]:
    return list(
        ModuleCompletion.objects.filter(learner=learner).values_list("module_id", flat=True)
    )


@dataclass(frozen=True)
class RequiredProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


def required_progress(learner: Learner) -> RequiredProgress:
    required = Module.objects.required()
    total = required.count()
    done = ModuleCompletion.objects.filter(learner=learner, module__in=required).count()
    return RequiredProgress(done=done, total=total)


def completions_of(learner: Learner) -> QuerySet[ModuleCompletion]:
    return ModuleCompletion.objects.filter(learner=learner).select_related(
        "module__track", "assessed_by"
    )


def completions_since(
    learner: Learner, since: dt.date | None, *, until: dt.date | None = None
) -> QuerySet[ModuleCompletion]:
    completions = completions_of(learner)
    if since is not None:
        completions = completions.filter(completed_on__gt=since)
    if until is not None:
        completions = completions.filter(completed_on__lte=until)
    return completions.order_by("completed_on", "pk")


def checklist_learners(user, *, prison_id: int | None = None) -> QuerySet[Learner]:
    """Learners a tutor may record completions for: in scope, still on the course."""
    learners = learner_list_for_user(user, capability=Capability.RECORD_PROGRESS).filter(
        course_status__in=["active", "paused", "graduated"],
        custody_status__in=["in_custody", "returned_to_custody"],
    )
    if prison_id:
        learners = learners.filter(prison_id=prison_id)
    return learners.order_by("prison__name", "last_name", "first_name", "pk")


# Skills


@dataclass(frozen=True)
class SkillSeries:
    skill: str
    label: str
    points: list[tuple[str, dt.date, int]]  # (when label, date, rating)

    @property
    def first(self) -> int | None:
        return self.points[0][2] if self.points else None

    @property
    def latest(self) -> int | None:
        return self.points[-1][2] if self.points else None

    @property
    def change(self) -> int:
        if not self.points:
            return 0
        return self.points[-1][2] - self.points[0][2]


def skill_series(learner: Learner) -> list[SkillSeries]:
    """Each skill's ratings, oldest first: at intake, then at each completed review."""
    ratings = (
        SkillRating.objects.filter(learner=learner)
        .filter(Q(review__isnull=True) | Q(review__status=ReviewStatus.COMPLETE))
        .select_related("review")
        .order_by("rated_on", "review_id", "pk")
    )
    by_skill: dict[str, list[tuple[str, dt.date, int]]] = {s.value: [] for s in Skill}
    for rating in ratings:
        when = "Intake" if rating.review_id is None else f"Review {rating.rated_on:%-d %b %Y}"
        by_skill[rating.skill].append((when, rating.rated_on, rating.rating))
    return [SkillSeries(s.value, s.label, by_skill[s.value]) for s in Skill]


def intake_ratings(learner: Learner) -> dict[str, int]:
    return dict(
        SkillRating.objects.filter(learner=learner, review__isnull=True).values_list(
            "skill", "rating"
        )
    )


def latest_ratings(learner: Learner) -> dict[str, int]:
    """The most recent rating per skill (for a new review's starting values)."""
    latest: dict[str, int] = {}
    for series in skill_series(learner):
        if series.latest is not None:
            latest[series.skill] = series.latest
    return latest


# Reviews


def reviews_of(learner: Learner) -> QuerySet[Review]:
    """Newest first, with a draft (not held yet) at the top."""
    return (
        Review.objects.filter(learner=learner)
        .select_related("created_by", "updated_by")
        .order_by(F("held_on").desc(nulls_first=True), "-pk")
    )


def review_for_user(user, learner: Learner, review_id: int) -> Review:
    """A review of a learner already fetched through the gate; 404 otherwise."""
    try:
        return Review.objects.select_related("learner", "updated_by").get(
            pk=review_id, learner=learner
        )
    except (Review.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No review found.") from exc


def ratings_of_review(review: Review) -> dict[str, SkillRating]:
    """The skill ratings given at one review, by skill."""
    return {r.skill: r for r in SkillRating.objects.filter(review=review)}


def draft_review_of(learner: Learner) -> Review | None:
    return Review.objects.filter(learner=learner, status=ReviewStatus.DRAFT).first()


def last_held_review(learner: Learner, *, before: Review | None = None) -> Review | None:
    reviews = Review.objects.filter(learner=learner, status=ReviewStatus.COMPLETE)
    if before is not None:
        reviews = reviews.exclude(pk=before.pk)
    return reviews.order_by("-held_on", "-pk").first()


def pauses_of(learner: Learner) -> QuerySet[ReviewPause]:
    return ReviewPause.objects.filter(learner=learner).select_related("started_by", "ended_by")


def open_pause_of(learner: Learner) -> ReviewPause | None:
    return ReviewPause.objects.filter(learner=learner, ended_on__isnull=True).first()


def pause_for_user(user, learner: Learner, pause_id: int) -> ReviewPause:
    try:
        return ReviewPause.objects.get(pk=pause_id, learner=learner)
    except (ReviewPause.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No pause found.") from exc


# Interventions


def interventions_of(user, learner: Learner) -> QuerySet[Intervention]:
    """A learner's interventions; referrals about health and recovery only for
    roles that see restricted information."""
    return (
        Intervention.objects.visible_to(access_for(user))
        .filter(learner=learner)
        .select_related("owner", "review")
        .order_by("status", "due_on", "pk")
    )


def interventions_of_review(user, learner: Learner, review: Review) -> QuerySet[Intervention]:
    """The interventions agreed at one review (draft or complete), filtered as
    `interventions_of` is."""
    return interventions_of(user, learner).filter(review=review)


def intervention_for_user(user, learner: Learner, intervention_id: int) -> Intervention:
    try:
        return interventions_of(user, learner).get(pk=intervention_id)
    except (Intervention.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No intervention found.") from exc


# The work queue


def reviews_due_for_user(user, *, today: dt.date | None = None) -> QuerySet[Learner]:
    """Learners in the user's scope with a review due (within 14 days) or overdue,
    soonest first. Tutors see the learners they tutor; everyone else their prisons."""
    today = today or timezone.localdate()
    learners = learner_list_for_user(user).filter(
        next_review_due_on__isnull=False, next_review_due_on__lte=today + DUE_WINDOW
    )
    if access_for(user).role == "tutor":
        learners = learners.filter(tutor=user)
    return learners.order_by("next_review_due_on", "last_name", "pk")


def review_counts_by_prison(user, *, today: dt.date | None = None) -> list[dict]:
    """Per prison in the user's scope: reviews due (within 14 days, not overdue) and overdue."""
    today = today or timezone.localdate()
    rows = (
        learner_list_for_user(user)
        .filter(next_review_due_on__isnull=False, next_review_due_on__lte=today + DUE_WINDOW)
        .values("prison__name", "prison__code")
        .annotate(
            overdue=Count("pk", filter=Q(next_review_due_on__lt=today)),
            due=Count("pk", filter=Q(next_review_due_on__gte=today)),
        )
        .order_by("prison__name")
    )
    return list(rows)


def open_interventions_for_user(user) -> QuerySet[Intervention]:
    """Open interventions for the work queue, soonest first: a tutor's own; for
    everyone else, all of those for learners in their scope."""
    learners = learner_list_for_user(user)
    access = access_for(user)
    interventions = Intervention.objects.visible_to(access).filter(
        status=InterventionStatus.OPEN, learner__in=learners.values("pk")
    )
    if access.role == "tutor":
        interventions = interventions.filter(owner=user)
    return interventions.select_related("learner__prison", "owner").order_by("due_on", "pk")


def last_review_dates(learner_ids: list[int]) -> dict[int, dt.date]:
    return dict(
        Review.objects.filter(learner_id__in=learner_ids, status=ReviewStatus.COMPLETE)
        .values("learner_id")
        .annotate(last=Max("held_on"))
        .values_list("learner_id", "last")
    )
