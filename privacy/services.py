"""Subject access, erasure and the retention policy. Each walks every model that
refers to the learner (privacy.records), so new models are covered unasked."""

import datetime as dt
import json
import logging
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.formats import date_format

from accounts.access import Capability, access_for
from accounts.models import Role
from audit.database_roles import retention_function_installed
from audit.labels import action_label, record_label
from audit.models import AuditEvent
from audit.services import audit_record
from learners.imports import IMPORT_FILE_KEPT, import_previews_expired
from learners.models import Learner
from privacy.models import (
    DATA_REQUEST_CLOSED,
    DATA_REQUEST_EXTENDED_MONTHS,
    DATA_REQUEST_MONTHS,
    DataRequest,
    ErasureRequest,
    ErasureStatus,
    RetentionRun,
    months_after,
)
from privacy.records import HeldRecords, records_held_on, text_fields

REMOVED = "[removed]"
logger = logging.getLogger(__name__)


# Subject access ---------------------------------------------------------------


def _choice_labels() -> dict[str, str]:
    """Every choice value in the project and its label ("tech_work" -> "Work in
    tech"), so answers kept as JSON read in words like the rest of the copy."""
    labels: dict[str, str] = {}
    pending = list(models.TextChoices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        for value, label in choices.choices:
            labels.setdefault(str(value), str(label))
    return labels


def _json_in_words(value: Any, labels: dict[str, str]) -> str:
    """Answers kept as JSON (an intake in progress, a list of needs) in words:
    keys as phrases, choice values as their labels, ISO dates as dates."""
    if isinstance(value, dict):
        parts = [
            f"{key.replace('_', ' ').capitalize()}: {_json_in_words(inner, labels)}"
            for key, inner in value.items()
        ]
        return "; ".join(parts) if parts else "none"
    if isinstance(value, list):
        return ", ".join(_json_in_words(item, labels) for item in value) or "none"
    if value is None or value == "":
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        if value in labels:
            return labels[value]
        try:
            return date_format(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _value(row: models.Model, model_field: models.Field) -> Any:
    if model_field.is_relation:
        target = getattr(row, model_field.name)
        return None if target is None else {"id": target.pk, "label": str(target)}
    value = getattr(row, model_field.attname)
    if isinstance(model_field, models.FileField):
        return value.name if value else ""
    if model_field.choices and value not in (None, ""):
        return {"value": value, "label": getattr(row, f"get_{model_field.name}_display")()}
    named = getattr(row, f"{model_field.name}_label", None)
    if isinstance(named, str) and value not in (None, ""):
        # A code the model names itself (StatusChange.from_status_label).
        return {"value": value, "label": named}
    if isinstance(model_field, models.JSONField) and value not in (None, "", [], {}):
        return {"value": value, "label": _json_in_words(value, _choice_labels())}
    if model_field.name == "object_type" and value:
        # A record type ("reviews.review") is shown by its name ("Review").
        return {"value": value, "label": record_label(value)}
    return value


def _records_by_kind(held: HeldRecords) -> dict[str, list[dict[str, Any]]]:
    """Every kind of record held, headed in plain words ("Review pauses"); the
    app's name is added only where two kinds would share a heading."""
    by_model = held.by_model()
    names = {label: str(rows[0]._meta.verbose_name_plural) for label, rows in by_model.items()}
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    records = {}
    for label, rows in by_model.items():
        name = names[label]
        if name in shared:
            name = f"{name} ({rows[0]._meta.app_config.verbose_name})"
        records[name[:1].upper() + name[1:]] = [_row(row) for row in rows]
    return records


def _row(row: models.Model) -> dict[str, Any]:
    return {
        model_field.verbose_name: _value(row, model_field)
        for model_field in row._meta.concrete_fields
    }


def subject_access_bundle(learner: Learner) -> dict[str, Any]:
    """Everything held on `learner`: the record, every dependent row grouped by
    kind, many-to-many links, and the audit trail's events about them."""
    held = records_held_on(learner)
    events = AuditEvent.objects.filter(learner_ref=learner.pk).order_by("occurred_at", "pk")
    return {
        "produced_at": timezone.now(),
        "learner": _row(learner),
        "records": _records_by_kind(held),
        "links": [
            {"kind": str(relation.related_model._meta.verbose_name), "label": str(other)}
            for relation, other in held.links
        ],
        "audit_trail": [
            {
                "when": event.occurred_at,
                "who": event.actor_label,
                "action": event.action,
                "action_label": action_label(event.action),
                "outcome": event.outcome,
                "outcome_label": event.get_outcome_display(),
                "record": f"{event.object_type} {event.object_id}".strip(),
            }
            for event in events
        ],
    }


def subject_access_json(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def subject_access_record(*, actor, learner: Learner, output: str) -> None:
    audit_record(
        actor=actor,
        action="privacy.subject_access",
        obj=learner,
        learner_id=learner.pk,
        detail={"format": output},
    )


# Scrubbing (erasure and retention) ----------------------------------------------


def _pseudonymous_prison_number(pk: int) -> str:
    """A number no real learner can have, unique to the record: 'X-' and the id in
    base 36 (X-0000W for 32). The hyphen fails the prison number format, so neither
    the forms nor an import accept it, and the real number is free for a real person
    (a valid-format one such as Z0067AA once refused a learner who had it)."""
    digits = ""
    while pk:
        pk, digit = divmod(pk, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + digits
    return f"X-{digits:0>5}"


def _fields_in_unique_sets(model: type[models.Model]) -> set[str]:
    """Fields that appear in a multi-field uniqueness rule (UniqueConstraint or
    unique_together): scrubbing them to one shared value would make rows collide."""
    names: set[str] = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    for fields in model._meta.unique_together:
        names.update(fields)
    return names


def _scrub_row(row: models.Model) -> None:
    changes: dict[str, Any] = {}
    unique_sets = _fields_in_unique_sets(type(row))
    for model_field in text_fields(type(row)):
        if isinstance(model_field, models.FileField):
            stored = getattr(row, model_field.name)
            if stored:
                stored.delete(save=False)
            changes[model_field.attname] = ""
        elif isinstance(model_field, models.JSONField):
            changes[model_field.attname] = (
                [] if isinstance(getattr(row, model_field.attname), list) else {}
            )
        elif model_field.unique or model_field.name in unique_sets:
            changes[model_field.attname] = f"removed-{row.pk}"[: model_field.max_length]
        elif model_field.blank:
            changes[model_field.attname] = ""
        else:
            changes[model_field.attname] = REMOVED[: model_field.max_length or None]
    if changes:
        type(row)._base_manager.filter(pk=row.pk).update(**changes)


def _scrub_learner(learner: Learner) -> None:
    changes: dict[str, Any] = {}
    for model_field in text_fields(Learner):
        changes[model_field.attname] = ""
    changes.update(
        first_name="Anonymised",
        last_name=f"learner {learner.pk}",
        prison_number=_pseudonymous_prison_number(learner.pk),
        date_of_birth=dt.date(learner.date_of_birth.year, 1, 1),
        gender="",  # a choice, so not among the text fields, but it identifies too
        anonymised_at=timezone.now(),
    )
    Learner._base_manager.filter(pk=learner.pk).update(**changes)


def _scrub(held: HeldRecords) -> None:
    # Deepest rows first does not matter for updates; every row is scrubbed.
    for row in held.rows:
        _scrub_row(row)
    _scrub_learner(held.learner)


@transaction.atomic
def learner_anonymise(*, learner: Learner, actor=None, why: str) -> None:
    """Replace names, date of birth (kept as 1 January of the year) and all free
    text on the learner and every dependent row; statuses, prisons and dates stay."""
    _scrub(records_held_on(learner))
    audit_record(
        actor=actor,
        action="privacy.anonymise",
        obj=learner,
        learner_id=learner.pk,
        detail={"why": why},
    )


def _learner_erase(*, actor, learner: Learner, request: ErasureRequest) -> None:
    """Erase a learner: scrub every dependent row, unlink many-to-many links, then
    delete the learner and everything that cascades (the request among them). A row
    whose model protects the link stays, scrubbed. The audit trail keeps only the
    learner's number and who asked and approved. Only erasure_approve calls this."""
    held = records_held_on(learner)
    _scrub(held)
    for relation, other in held.links:
        getattr(other, relation.field.name).remove(learner)
    pk = learner.pk
    deleted = False
    try:
        with transaction.atomic():
            Learner._base_manager.filter(pk=pk).delete()
            deleted = True
    except models.ProtectedError:
        deleted = False
    audit_record(
        actor=actor,
        action="privacy.erase",
        learner_id=pk,
        detail={
            "basis": request.basis,
            "deleted": deleted,
            "request": request.pk,
            "requested_by": request.requested_by_id,
        },
    )


# Erasure takes two people ----------------------------------------------------------

ERASURE_APPROVERS = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})


def erasure_may_approve(user, request: ErasureRequest) -> bool:
    return access_for(user).role in ERASURE_APPROVERS and request.requested_by_id != user.pk


@transaction.atomic
def erasure_request(*, actor, learner: Learner, basis: str, reason: str) -> ErasureRequest:
    """A director asks for a learner's record to be erased. Nothing is erased until
    another director or the administrator approves."""
    access_for(actor).require(Capability.MAKE_REPORTS)
    Learner.objects.select_for_update().filter(pk=learner.pk).first()
    if ErasureRequest.objects.filter(learner=learner, status=ErasureStatus.PENDING).exists():
        raise ValidationError("An erasure of this record has already been asked for.")
    request = ErasureRequest(learner=learner, basis=basis, reason=reason, requested_by=actor)
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="privacy.erase_request",
        obj=request,
        learner_id=learner.pk,
        detail={"basis": basis},
    )
    return request


def _pending(request: ErasureRequest, actor) -> ErasureRequest:
    locked = ErasureRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None or locked.status != ErasureStatus.PENDING:
        raise ValidationError("This erasure request has already been decided.")
    if access_for(actor).role not in ERASURE_APPROVERS:
        raise PermissionDenied("Only a director or the administrator can decide an erasure.")
    if locked.requested_by_id == actor.pk:
        raise PermissionDenied(
            "You asked for this erasure: another director or the administrator must decide it."
        )
    return locked


@transaction.atomic
def erasure_approve(*, actor, request: ErasureRequest) -> None:
    """The second person approves: the learner's record is erased."""
    request = _pending(request, actor)
    _learner_erase(actor=actor, learner=request.learner, request=request)
    # When a protected row kept the learner, the request stays too, scrubbed.
    ErasureRequest.objects.filter(pk=request.pk).update(
        status=ErasureStatus.APPROVED, decided_by=actor, decided_at=timezone.now()
    )


@transaction.atomic
def erasure_decline(*, actor, request: ErasureRequest) -> None:
    request = _pending(request, actor)
    request.status = ErasureStatus.DECLINED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="privacy.erase_decline",
        obj=request,
        learner_id=request.learner_id,
        detail={"request": request.pk, "requested_by": request.requested_by_id},
    )


# Retention -----------------------------------------------------------------------


def learners_past_retention(now: dt.datetime | None = None):
    """Learners not yet anonymised whose last contact is older than the policy allows:
    the latest of the record's last change and its latest timeline entry."""
    now = now or timezone.now()
    years = settings.RETENTION_POLICY["learner_years_after_last_contact"]
    cutoff = now - dt.timedelta(days=round(365.25 * years))
    return (
        Learner.objects.filter(anonymised_at__isnull=True)
        .annotate(
            last_contact=Greatest(
                "updated_at", Coalesce(Max("timeline__occurred_at"), "updated_at")
            )
        )
        .filter(last_contact__lt=cutoff)
        .order_by("pk")
    ), cutoff


def _remove_old_audit_events(cutoff: dt.datetime, *, dry_run: bool) -> int:
    """Old audit events are removed only by the database's own retention function,
    which refuses a cutoff younger than the policy (audit.database_roles)."""
    old = AuditEvent.objects.filter(occurred_at__lt=cutoff)
    if dry_run:
        return old.count()
    if not retention_function_installed(connection):
        if connection.vendor == "postgresql" and old.exists():
            logger.warning(
                "Audit events older than the policy are kept: run "
                "`manage.py setup_database_roles` to install the retention function."
            )
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_remove_expired(%s)", [cutoff])
        return cursor.fetchone()[0]


@transaction.atomic
def retention_apply(*, dry_run: bool, trigger: str, now: dt.datetime | None = None) -> RetentionRun:
    """Apply settings.RETENTION_POLICY once, and record what was done and why."""
    now = now or timezone.now()
    policy = settings.RETENTION_POLICY
    run = RetentionRun.objects.create(started_at=now, dry_run=dry_run, trigger=trigger)
    learners, learner_cutoff = learners_past_retention(now)
    due = list(learners)
    why = (
        f"No contact since before {learner_cutoff:%d %B %Y}: the policy keeps learner "
        f"records {policy['learner_years_after_last_contact']} years after the last contact."
    )
    if not dry_run:
        for learner in due:
            learner_anonymise(learner=learner, why=why)
    audit_cutoff = now - dt.timedelta(days=round(365.25 * policy["audit_years"]))
    audit_removed = _remove_old_audit_events(audit_cutoff, dry_run=dry_run)
    previews = import_previews_expired(now)
    previews_removed = previews.count()
    if not dry_run:
        previews.delete()
    attempts_cutoff = now - dt.timedelta(days=policy["sign_in_attempt_days"])
    attempts = AccessAttempt.objects.filter(attempt_time__lt=attempts_cutoff)
    attempts_removed = attempts.count()
    if not dry_run:
        attempts.delete()
    verb = "Would anonymise" if dry_run else "Anonymised"
    run.policy = {
        **policy,
        "learner_cutoff": learner_cutoff.isoformat(),
        "audit_cutoff": audit_cutoff.isoformat(),
        "sign_in_attempt_cutoff": attempts_cutoff.isoformat(),
    }
    run.learners_anonymised = len(due)
    run.learner_refs = [learner.pk for learner in due]
    run.audit_events_removed = audit_removed
    run.sign_in_attempts_removed = attempts_removed
    run.summary = (
        f"{verb} {len(due)} learner record(s). {why} "
        f"{'Would remove' if dry_run else 'Removed'} {audit_removed} audit event(s) older "
        f"than {audit_cutoff:%d %B %Y} ({policy['audit_years']} years) and "
        f"{attempts_removed} sign-in attempt record(s) older than "
        f"{policy['sign_in_attempt_days']} days. "
        f"{'Would delete' if dry_run else 'Deleted'} {previews_removed} uploaded import "
        f"file(s) checked but not imported within {IMPORT_FILE_KEPT.total_seconds() / 3600:.0f} "
        "hours."
    )
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=None,
        action="privacy.retention_run",
        obj=run,
        detail={"dry_run": dry_run, "anonymised": len(due), "trigger": trigger},
    )
    return run


# The register of data requests ------------------------------------------------------


@transaction.atomic
def data_request_log(*, actor, learner: Learner, kind: str, received_on: dt.date) -> DataRequest:
    """Record a subject access or erasure request: due one month from receipt."""
    access_for(actor).require(Capability.MAKE_REPORTS)
    data_request = DataRequest(
        kind=kind,
        learner=learner,
        learner_ref=learner.pk,
        received_on=received_on,
        due_on=months_after(received_on, DATA_REQUEST_MONTHS),
        logged_by=actor,
    )
    data_request.full_clean()
    data_request.save()
    audit_record(
        actor=actor,
        action="privacy.data_request_log",
        obj=data_request,
        learner_id=learner.pk,
        detail={
            "kind": kind,
            "received_on": received_on.isoformat(),
            "due_on": data_request.due_on.isoformat(),
        },
    )
    return data_request


def _open_request(data_request: DataRequest, actor) -> DataRequest:
    access_for(actor).require(Capability.MAKE_REPORTS)
    locked = DataRequest.objects.select_for_update().filter(pk=data_request.pk).first()
    if locked is None or not locked.is_open:
        raise ValidationError("This request is already closed.")
    return locked


@transaction.atomic
def data_request_extend(*, actor, data_request: DataRequest, reason: str) -> DataRequest:
    """Extend the deadline by two further months (three from receipt), once, with
    the reason the learner must be told."""
    data_request = _open_request(data_request, actor)
    if data_request.extended:
        raise ValidationError("The deadline has already been extended once.")
    if not reason.strip():
        raise ValidationError({"extension_reason": "Enter why the deadline is extended"})
    previous = data_request.due_on
    data_request.due_on = months_after(data_request.received_on, DATA_REQUEST_EXTENDED_MONTHS)
    data_request.extension_reason = reason.strip()
    data_request.full_clean()
    data_request.save(update_fields=["due_on", "extension_reason"])
    audit_record(
        actor=actor,
        action="privacy.data_request_extend",
        obj=data_request,
        learner_id=data_request.learner_ref,
        detail={"from": previous.isoformat(), "to": data_request.due_on.isoformat()},
    )
    return data_request


@transaction.atomic
def data_request_close(
    *, actor, data_request: DataRequest, status: str, outcome: str, closed_on: dt.date
) -> DataRequest:
    """Close a request: completed, refused or withdrawn, by the actor, with what
    was done. The actor is recorded as the person who handled it."""
    data_request = _open_request(data_request, actor)
    if status not in DATA_REQUEST_CLOSED:
        raise ValidationError({"status": "Select how the request was closed"})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "The date closed must be today or in the past"})
    data_request.status = status
    data_request.outcome = outcome.strip()
    data_request.closed_on = closed_on
    data_request.handled_by = actor
    data_request.full_clean()
    data_request.save(update_fields=["status", "outcome", "closed_on", "handled_by"])
    audit_record(
        actor=actor,
        action="privacy.data_request_close",
        obj=data_request,
        learner_id=data_request.learner_ref,
        detail={"status": status, "closed_on": closed_on.isoformat()},
    )
    return data_request
