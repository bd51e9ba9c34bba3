"""The learner timeline: one shared mechanism every app writes to and the learner page
reads. A service that changes a learner's record writes the timeline entry and the
audit event together with `change_record`."""

from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from accounts.access import access_for
from audit.actions import Action
from audit.late_entries import late_detail
from audit.models import AuditEvent
from audit.services import audit_record
from learners.models import Learner, TimelineEvent


def timeline_record(
    *,
    learner: Learner,
    kind: str,
    summary: str,
    actor=None,
    obj: models.Model | None = None,
    occurred_at: datetime | None = None,
    restricted: bool = False,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        learner=learner,
        kind=kind,
        summary=summary[:300],
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        occurred_at=occurred_at or timezone.now(),
        recorded_at=timezone.now(),
        restricted=restricted,
    )


def timeline_for_user(*, user, learner: Learner, kind: str | None = None) -> QuerySet:
    """Entries of a learner the caller has already fetched through a selector.
    Restricted entries only for roles that may see restricted notes."""
    entries = (
        TimelineEvent.objects.visible_to(access_for(user))
        .filter(learner=learner)
        .select_related("actor")
    )
    if kind:
        entries = entries.filter(kind=kind)
    return entries


def change_record(
    *,
    actor,
    action: Action,
    learner: Learner,
    obj: models.Model | None = None,
    summary: str = "",
    kind: str = "",
    detail: dict[str, Any] | None = None,
    timeline_obj: models.Model | None = None,
    occurred_at: datetime | None = None,
    restricted: bool = False,
) -> AuditEvent:
    """One record of a change to a learner: its timeline entry (when there is a
    `summary` for the learner page) and its audit event, written together, both
    named from the one vocabulary (`audit.actions.Action`). `obj` is the record
    changed; `timeline_obj` the one the timeline entry points at, if different.
    `occurred_at` is when it happened, if not now: a change recorded more than a
    day later keeps that day in the audit detail, so the trail says it was late."""
    if summary:
        timeline_record(
            learner=learner,
            kind=kind,
            summary=summary,
            actor=actor,
            obj=timeline_obj if timeline_obj is not None else obj,
            occurred_at=occurred_at,
            restricted=restricted,
        )
    return audit_record(
        actor=actor,
        action=Action(action).value,
        obj=obj,
        learner_id=learner.pk,
        detail={**(detail or {}), **late_detail(occurred_at)},
    )
