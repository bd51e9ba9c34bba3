"""The learner timeline: one shared mechanism every app writes to and the learner page reads."""

from datetime import datetime

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from accounts.access import access_for
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
