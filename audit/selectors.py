"""Reads of the audit trail: for roles with Capability.VIEW_AUDIT only."""

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
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


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


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
