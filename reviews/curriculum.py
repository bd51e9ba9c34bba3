"""Writes for the curriculum: tracks and modules, their order, level and whether
they are required for graduation, retiring and restoring modules.

The required set decides who is a graduate. When it changes (a required module
added, retired or restored, or a module made required or optional),
`graduation_recompute_after_required_change` graduates every active learner who
has now completed every current required module. Graduation is never taken back:
a graduate stays a graduate when a new required module is added (PRODUCT: there
is no time limit and graduates may keep learning).

The curriculum and the graduation rule are both in this app, so the services call
the recompute directly, inside their transaction; each graduation it makes is a
status move that publishes `CourseStatusChanged` (learners.events), which is how
the other apps hear of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.access import Capability, access_for
from audit.services import audit_record
from learners.models import CourseStatus, Learner
from reviews.models import Level, Module, Track
from reviews.services import graduate_if_complete


def _require_configure(actor) -> None:
    access_for(actor).require(Capability.CONFIGURE)


@dataclass(frozen=True)
class RecomputeResult:
    required_count: int
    graduated_ids: tuple[int, ...]


def graduation_recompute_after_required_change(*, actor) -> RecomputeResult:
    """Graduate every active learner who has completed every current required
    module. One set-based query finds them; each then goes through the one
    graduation rule (`reviews.services.graduate_if_complete`), dated by their last
    required completion, whose status move publishes `CourseStatusChanged` so every
    app hears it (the review clock stops, reminders resolve). Safe to run twice:
    graduates are no longer active."""
    required_ids = list(Module.objects.required().values_list("pk", flat=True))
    if not required_ids:
        return RecomputeResult(0, ())
    finished = dict(
        Learner.objects.filter(course_status=CourseStatus.ACTIVE)
        .annotate(
            required_done=Count(
                "completions", filter=Q(completions__module_id__in=required_ids), distinct=True
            ),
            last_required_on=Max(
                "completions__completed_on", filter=Q(completions__module_id__in=required_ids)
            ),
        )
        .filter(required_done=len(required_ids))
        .values_list("pk", "last_required_on")
    )
    # Lock them; graduate_if_complete checks again that each is still active.
    candidates = Learner.objects.select_for_update().filter(pk__in=list(finished)).order_by("pk")
    graduated = tuple(
        learner.pk
        for learner in candidates
        if graduate_if_complete(actor=actor, learner=learner, on=finished[learner.pk])
    )
    return RecomputeResult(len(required_ids), graduated)


def _required_changed(*, actor, before: bool, after: bool) -> None:
    if before != after:
        graduation_recompute_after_required_change(actor=actor)


# Tracks


@transaction.atomic
def track_add(*, actor, name: str, description: str = "", order: int | None = None) -> Track:
    _require_configure(actor)
    if order is None:
        order = (Track.objects.aggregate(last=Max("order"))["last"] or 0) + 1
    track = Track(name=name.strip(), description=description, order=order)
    track.full_clean()
    track.save()
    audit_record(actor=actor, action="reviews.track.add", obj=track)
    return track


@transaction.atomic
def track_update(*, actor, track: Track, name: str, description: str, order: int) -> Track:
    _require_configure(actor)
    track = Track.objects.select_for_update().get(pk=track.pk)
    track.name, track.description, track.order = name.strip(), description, order
    track.full_clean()
    track.save()
    audit_record(actor=actor, action="reviews.track.update", obj=track)
    return track


# Modules


def _counts_as_required(module: Module) -> bool:
    return module.required_for_graduation and module.retired_on is None


@transaction.atomic
def module_add(
    *,
    actor,
    track: Track,
    title: str,
    level: str = Level.FOUNDATION,
    required_for_graduation: bool = False,
    description: str = "",
    order: int | None = None,
) -> Module:
    _require_configure(actor)
    if order is None:
        order = (track.modules.aggregate(last=Max("order"))["last"] or 0) + 1
    module = Module(
        track=track,
        title=title.strip(),
        level=level,
        required_for_graduation=required_for_graduation,
        description=description,
        order=order,
    )
    module.full_clean()
    module.save()
    audit_record(
        actor=actor,
        action="reviews.module.add",
        obj=module,
        detail={"required_for_graduation": required_for_graduation},
    )
    _required_changed(actor=actor, before=False, after=_counts_as_required(module))
    return module


@transaction.atomic
def module_update(
    *,
    actor,
    module: Module,
    title: str,
    level: str,
    required_for_graduation: bool,
    description: str,
    order: int,
) -> Module:
    _require_configure(actor)
    module = Module.objects.select_for_update().get(pk=module.pk)
    before = _counts_as_required(module)
    was_required = module.required_for_graduation
    module.title = title.strip()
    module.level = level
    module.required_for_graduation = required_for_graduation
    module.description = description
    module.order = order
    module.full_clean()
    module.save()
    audit_record(
        actor=actor,
        action="reviews.module.update",
        obj=module,
        detail={"required_for_graduation": [was_required, required_for_graduation]},
    )
    _required_changed(actor=actor, before=before, after=_counts_as_required(module))
    return module


@transaction.atomic
def module_retire(*, actor, module: Module, on: dt.date | None = None) -> Module:
    """No longer offered nor required; completions already recorded stay."""
    _require_configure(actor)
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.retired_on is not None:
        raise ValidationError(f"{module.title} is already retired")
    before = _counts_as_required(module)
    module.retired_on = on or timezone.localdate()
    module.save(update_fields=["retired_on"])
    audit_record(actor=actor, action="reviews.module.retire", obj=module)
    _required_changed(actor=actor, before=before, after=False)
    return module


@transaction.atomic
def module_restore(*, actor, module: Module) -> Module:
    _require_configure(actor)
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.retired_on is None:
        raise ValidationError(f"{module.title} is not retired")
    module.retired_on = None
    module.save(update_fields=["retired_on"])
    audit_record(actor=actor, action="reviews.module.restore", obj=module)
    _required_changed(actor=actor, before=False, after=_counts_as_required(module))
    return module
