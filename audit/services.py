"""The one way to write to the audit trail."""

from typing import Any

from django.db import models

from audit.models import AuditEvent, Outcome
from audit.request_context import current_request


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    learner_id: int | None = None,
    outcome: str = Outcome.SUCCESS,
    actor_label: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event.

    `action` is a dotted name such as "learner.view" or "auth.sign_in".
    `obj` is the record acted on; `learner_id` the learner it concerns, if any.
    `detail` holds parameters (a report's period, a filter), never record content.
    """
    context = current_request.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=actor_label or (actor.email if authenticated else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        learner_ref=learner_id,
        outcome=outcome,
        request_id=context.request_id if context else "",
        ip_address=context.ip_address if context else None,
        detail=detail or {},
    )
