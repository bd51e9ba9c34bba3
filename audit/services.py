"""The one way to write to the audit trail."""

import datetime as dt
from typing import Any

from django import forms
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


def audit_parameters(form: forms.Form) -> dict[str, Any]:
    """A valid filter form's values as audit detail: records as their ids, choices,
    dates, numbers and switches as given, and free text a person typed (a search)
    only as "used". The audit trail outlives erasure and retention, so it must
    never hold a name someone searched for."""
    if not form.is_valid():
        return {}
    detail: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()) or value is False:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            detail[name] = sorted(str(row.pk) for row in value)
        elif isinstance(field, forms.ModelChoiceField):
            detail[name] = str(value.pk)
        elif isinstance(field, forms.MultipleChoiceField):
            detail[name] = sorted(str(item) for item in value)
        elif isinstance(field, forms.ChoiceField):
            detail[name] = str(value)
        elif isinstance(field, forms.BooleanField):
            detail[name] = True
        elif isinstance(value, dt.date):  # a DateField, or the day-month-year date input
            detail[name] = value.isoformat()
        elif isinstance(field, forms.IntegerField):
            detail[name] = int(value)
        else:
            detail[name] = "used"
    return detail
