"""Reads of the audit trail: for roles with Capability.VIEW_AUDIT only."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.access import Capability, access_for
from audit.models import AuditEvent


def audit_events_for_user(user, *, filters: dict[str, Any] | None = None) -> QuerySet[AuditEvent]:
    """The audit trail, newest first, narrowed by `filters` (cleaned AuditFilterForm
    data: actor, learner_ref, action, date_from, date_to). 403 without VIEW_AUDIT."""
    access_for(user).require(Capability.VIEW_AUDIT)
    events = AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-pk")
    filters = filters or {}
    if filters.get("actor"):
        events = events.filter(actor=filters["actor"])
    if filters.get("learner_ref") is not None:
        events = events.filter(learner_ref=filters["learner_ref"])
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("outcome"):
        events = events.filter(outcome=filters["outcome"])
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(occurred_at__lt=_start_of(filters["date_to"] + dt.timedelta(1)))
    return events


def audit_events_for_export(user, *, filters: dict[str, Any] | None = None) -> Iterator[AuditEvent]:
    """The filtered trail, streamed in chunks for the CSV export."""
    return audit_events_for_user(user, filters=filters).iterator(chunk_size=2000)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# A user refused this often in a day is worth a look (issue 13 item 3).
DENIALS_WORTH_A_LOOK = 10


def frequent_denials_for_user(
    user, *, now: dt.datetime | None = None, at_least: int = DENIALS_WORTH_A_LOOK
) -> list[dict[str, Any]]:
    """Users refused a learner page at least `at_least` times in the 24 hours to
    `now`, most refusals first: [{"actor_id", "actor_label", "denials"}]. One
    grouped query over the indexed time column. 403 without VIEW_AUDIT."""
    access_for(user).require(Capability.VIEW_AUDIT)
    now = now or timezone.now()
    return list(
        AuditEvent.objects.filter(
            outcome="denied",
            actor__isnull=False,
            occurred_at__gte=now - dt.timedelta(days=1),
            occurred_at__lte=now,
        )
        .values("actor_id", "actor_label")
        .annotate(denials=Count("pk"))
        .filter(denials__gte=at_least)
        .order_by("-denials", "actor_label")
    )


def prison_numbers_for_events(user, events) -> dict[int, str]:
    """learner_ref -> prison number for the learners these events are about, in
    one query, so the trail names learners as staff know them. Erased learners
    keep their anonymised number; a learner no longer held is left out."""
    access_for(user).require(Capability.VIEW_AUDIT)
    learner_model = apps.get_model(
        "learners", "Learner"
    )  # audit does not import the apps it records
    refs = {event.learner_ref for event in events if event.learner_ref is not None}
    if not refs:
        return {}
    return dict(learner_model.objects.filter(pk__in=refs).values_list("pk", "prison_number"))
