"""Writes to learner records. Each service is atomic, validates the row, records
a timeline entry where something happened to a learner, and writes one audit event."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.models import Prison
from audit.services import audit_record
from learners.models import (
    COURSE_TRANSITIONS,
    CUSTODY_TRANSITIONS,
    INTAKE_FIELDS,
    RESTRICTED_FIELDS,
    Consent,
    ConsentKind,
    CourseStatus,
    CustodyStatus,
    Goal,
    IntakeInterview,
    IntakeRestricted,
    IntakeRevision,
    Learner,
    StatusChange,
    StatusField,
    TimelineKind,
    Transfer,
)
from learners.timeline import timeline_record

LEARNER_FIELDS = (
    "prison_number",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "prison",
    "joined_on",
    "earliest_release_on",
    "expected_release_on",
    "tutor",
    "regional_manager",
)


class TransitionRefused(ValidationError):
    """A status change that COURSE_TRANSITIONS / CUSTODY_TRANSITIONS does not allow."""


def _require(actor, capability: Capability, prison_id: int | None = None) -> None:
    access = access_for(actor)
    access.require(capability)
    if prison_id is not None and not access.covers_prison(prison_id):
        raise PermissionDenied("You do not cover that prison.")


@transaction.atomic
def learner_enrol(*, actor, data: dict[str, Any]) -> Learner:
    """Create a learner (status referred, in custody)."""
    prison = data["prison"]
    _require(actor, Capability.ENROL_LEARNER, prison.pk)
    learner = Learner(**{name: data.get(name) for name in LEARNER_FIELDS if name in data})
    learner.preferred_name = learner.preferred_name or ""
    learner.prison_number = (learner.prison_number or "").strip().upper()
    if learner.regional_manager is None:
        learner.regional_manager = actor
    learner.course_status = CourseStatus.REFERRED
    learner.custody_status = CustodyStatus.IN_CUSTODY
    learner.full_clean()
    learner.save()
    timeline_record(
        learner=learner,
        kind=TimelineKind.ENROLMENT,
        summary=f"Enrolled at {prison.name}",
        actor=actor,
        obj=learner,
    )
    audit_record(actor=actor, action="learner.create", obj=learner, learner_id=learner.pk)
    return learner


@transaction.atomic
def learner_update(*, actor, learner: Learner, data: dict[str, Any]) -> Learner:
    """Change a learner's details (not prison or status: those have their own services)."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    changed = []
    for name in LEARNER_FIELDS:
        if name == "prison" or name not in data:
            continue
        if getattr(learner, name) != data[name]:
            setattr(learner, name, data[name])
            changed.append(name)
    if not changed:
        return learner
    learner.full_clean()
    learner.save()
    labels = ", ".join(Learner._meta.get_field(n).verbose_name for n in changed)
    timeline_record(
        learner=learner,
        kind=TimelineKind.DETAILS,
        summary=f"Details changed: {labels}",
        actor=actor,
        obj=learner,
    )
    audit_record(
        actor=actor,
        action="learner.update",
        obj=learner,
        learner_id=learner.pk,
        detail={"fields": changed},
    )
    return learner


def learner_status_move(
    *,
    actor,
    learner: Learner,
    field: str,
    to: str,
    reason: str,
    audit: bool = True,
    kind: str = TimelineKind.STATUS,
    summary: str = "",
) -> StatusChange:
    """Move a status along its allowed transitions, with a StatusChange, a timeline
    entry and an audit event. The caller has already checked the actor may do the
    thing that causes the move (a regional manager's status page, a tutor's module
    completion that graduates the learner, a release)."""
    attribute, transitions, choices = {
        StatusField.COURSE: ("course_status", COURSE_TRANSITIONS, CourseStatus),
        StatusField.CUSTODY: ("custody_status", CUSTODY_TRANSITIONS, CustodyStatus),
    }[field]
    current = getattr(learner, attribute)
    if to not in transitions.get(current, frozenset()):
        raise TransitionRefused(
            f"{StatusField(field).label} cannot change from "
            f"{choices(current).label.lower()} to {choices(to).label.lower()}."
        )
    setattr(learner, attribute, to)
    update = [attribute, "updated_at"]
    if attribute == "course_status" and to == CourseStatus.GRADUATED:
        learner.graduated_on = learner.graduated_on or timezone.localdate()
        update.append("graduated_on")
    learner.save(update_fields=update)
    change = StatusChange.objects.create(
        learner=learner,
        field=field,
        from_status=current,
        to_status=to,
        reason=reason,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    timeline_record(
        learner=learner,
        kind=kind,
        summary=summary
        or (
            f"{StatusField(field).label} changed from {choices(current).label.lower()} "
            f"to {choices(to).label.lower()}"
        ),
        actor=actor,
        obj=change,
    )
    if audit:
        audit_record(
            actor=actor,
            action="learner.status_change",
            obj=learner,
            learner_id=learner.pk,
            detail={"field": field, "from": current, "to": to},
        )
    return change


@transaction.atomic
def learner_change_course_status(
    *, actor, learner: Learner, to: str, reason: str = "", audit: bool = True
) -> StatusChange:
    """The one way to change a learner's course status. Refuses moves that
    COURSE_TRANSITIONS does not allow (TransitionRefused)."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    return learner_status_move(
        actor=actor,
        learner=learner,
        field=StatusField.COURSE,
        to=to,
        reason=reason,
        audit=audit,
    )


@transaction.atomic
def learner_change_custody_status(
    *, actor, learner: Learner, to: str, reason: str = "", audit: bool = True
) -> StatusChange:
    """The one way to change a learner's custody status (CUSTODY_TRANSITIONS)."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    return learner_status_move(
        actor=actor,
        learner=learner,
        field=StatusField.CUSTODY,
        to=to,
        reason=reason,
        audit=audit,
    )


@transaction.atomic
def learner_transfer(
    *, actor, learner: Learner, to_prison: Prison, transferred_on: dt.date, reason: str
) -> Transfer:
    """Move a learner to another prison. History stays with the learner; who can
    see them follows the prison. The tutor is unassigned if they do not cover the
    new prison."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    if to_prison.pk == learner.prison_id:
        raise ValidationError({"to_prison": "Choose a different prison from the current one"})
    if transferred_on > timezone.localdate():
        raise ValidationError({"transferred_on": "The date of transfer must be today or earlier"})
    transfer = Transfer(
        learner=learner,
        from_prison_id=learner.prison_id,
        to_prison=to_prison,
        transferred_on=transferred_on,
        reason=reason,
        recorded_by=actor,
    )
    transfer.full_clean()
    transfer.save()
    from_name = learner.prison.name
    learner.prison = to_prison
    update = ["prison", "updated_at"]
    if learner.tutor_id and not learner.tutor.prisons.filter(pk=to_prison.pk).exists():
        learner.tutor = None
        update.append("tutor")
    learner.save(update_fields=update)
    timeline_record(
        learner=learner,
        kind=TimelineKind.TRANSFER,
        summary=f"Transferred from {from_name} to {to_prison.name}",
        actor=actor,
        obj=transfer,
        occurred_at=timezone.make_aware(dt.datetime.combine(transferred_on, dt.time(12))),
    )
    audit_record(
        actor=actor,
        action="learner.transfer",
        obj=learner,
        learner_id=learner.pk,
        detail={"from_prison": transfer.from_prison_id, "to_prison": to_prison.pk},
    )
    return transfer


# --- Consents ------------------------------------------------------------------------


def _consents_apply(*, actor, learner: Learner, wanted: dict[str, dt.date | None]) -> list[str]:
    """Bring standing consents in line with `wanted` (kind -> date given, or None
    for not given). A withdrawal dates the standing row; a new grant is a new row."""
    standing = {
        c.kind: c for c in Consent.objects.filter(learner=learner, withdrawn_on__isnull=True)
    }
    today = timezone.localdate()
    changes = []
    for kind, given_on in wanted.items():
        current = standing.get(kind)
        label = ConsentKind(kind).label
        if given_on is None and current is not None:
            current.withdrawn_on = max(today, current.given_on)
            current.save(update_fields=["withdrawn_on"])
            changes.append(f"{label}: withdrawn")
        elif given_on is not None and current is None:
            Consent.objects.create(learner=learner, kind=kind, given_on=given_on, recorded_by=actor)
            changes.append(f"{label}: given")
        elif given_on is not None and current is not None and current.given_on != given_on:
            current.given_on = given_on
            current.save(update_fields=["given_on"])
            changes.append(f"{label}: date corrected")
    for change in changes:
        timeline_record(learner=learner, kind=TimelineKind.CONSENT, summary=change, actor=actor)
    return changes


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, withdrawn_on: dt.date | None = None) -> Consent:
    _require(actor, Capability.CHANGE_LEARNER, consent.learner.prison_id)
    if consent.withdrawn_on is not None:
        return consent
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    consent.full_clean(exclude=["recorded_by"])
    consent.save(update_fields=["withdrawn_on"])
    timeline_record(
        learner=consent.learner,
        kind=TimelineKind.CONSENT,
        summary=f"{consent.get_kind_display()}: withdrawn",
        actor=actor,
        obj=consent,
    )
    audit_record(
        actor=actor,
        action="consent.withdraw",
        obj=consent,
        learner_id=consent.learner_id,
        detail={"kind": consent.kind},
    )
    return consent


# --- The intake interview -----------------------------------------------------------


@transaction.atomic
def intake_save(
    *,
    actor,
    learner: Learner,
    answers: dict[str, Any],
    restricted: dict[str, Any] | None,
    expected_release_on: dt.date | None,
    consents: dict[str, dt.date | None],
    goals: list[dict[str, Any]],
) -> IntakeInterview:
    """Record or edit the intake interview. The first save completes it: the
    learner becomes active and the review clock starts (`intake_completed_on`).
    Every edit after that is an IntakeRevision naming the answers changed."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    intake = IntakeInterview.objects.filter(learner=learner).first()
    creating = intake is None
    if creating:
        intake = IntakeInterview(learner=learner, conducted_by=actor)
    changed = [name for name in INTAKE_FIELDS if getattr(intake, name, None) != answers[name]]
    for name in INTAKE_FIELDS:
        setattr(intake, name, answers[name])
    intake.full_clean()
    intake.save()

    restricted_changed: list[str] = []
    if restricted is not None:  # None: the actor may not see them, so leaves them alone
        if not access_for(actor).sees_restricted:
            raise PermissionDenied("Your role cannot change restricted answers.")
        secret = IntakeRestricted.objects.filter(intake=intake).first() or IntakeRestricted(
            intake=intake
        )
        restricted_changed = [
            name for name in RESTRICTED_FIELDS if getattr(secret, name) != restricted[name]
        ]
        for name in RESTRICTED_FIELDS:
            setattr(secret, name, restricted[name])
        secret.save()

    if learner.expected_release_on != expected_release_on:
        learner.expected_release_on = expected_release_on
        learner.full_clean()
        learner.save(update_fields=["expected_release_on", "updated_at"])
        changed.append("expected_release_on")

    consent_changes = _consents_apply(actor=actor, learner=learner, wanted=consents)
    goal_changes = _goals_apply(learner=learner, goals=goals)
    if consent_changes:
        changed.append("consents")
    if goal_changes:
        changed.append("goals")

    if creating:
        timeline_record(
            learner=learner,
            kind=TimelineKind.INTAKE,
            summary="Intake interview completed",
            actor=actor,
            obj=intake,
        )
        if learner.course_status == CourseStatus.REFERRED:
            learner_status_move(
                actor=actor,
                learner=learner,
                field=StatusField.COURSE,
                to=CourseStatus.ACTIVE,
                reason="Intake interview completed",
                audit=False,
            )
        if learner.intake_completed_on is None:
            learner.intake_completed_on = intake.held_on
            learner.save(update_fields=["intake_completed_on", "updated_at"])
    elif changed or restricted_changed:
        IntakeRevision.objects.create(
            intake=intake,
            changed_by=actor,
            fields=changed,
            restricted_fields=restricted_changed,
        )
        timeline_record(
            learner=learner,
            kind=TimelineKind.INTAKE,
            summary="Intake interview edited",
            actor=actor,
            obj=intake,
        )
    _intake_follow_on(
        actor=actor,
        learner=learner,
        creating=creating,
        sharing_granted=f"{ConsentKind.SHARE_WITH_OMU.label}: given" in consent_changes,
    )
    audit_record(
        actor=actor,
        action="intake.create" if creating else "intake.update",
        obj=intake,
        learner_id=learner.pk,
        detail={"fields": changed, "restricted_fields": restricted_changed},
    )
    return intake


def _intake_follow_on(*, actor, learner: Learner, creating: bool, sharing_granted: bool) -> None:
    """What the intake sets going in the later stages of the journey: the resettlement
    plan starts at intake (and is shared when the learner consents), and the review
    clock starts or moves with the intake date and the expected release date.
    Imported here because those apps build on this one."""
    from resettlement.services import plan_share_record, plan_start
    from reviews.services import schedule_refresh

    if creating:
        plan_start(actor=actor, learner=learner)
    elif sharing_granted:
        plan_share_record(actor=actor, learner=learner)
    schedule_refresh(learner)


def _goals_apply(*, learner: Learner, goals: list[dict[str, Any]]) -> bool:
    """goals: dicts with id (None for new), description, target_on, status, delete."""
    existing = {goal.pk: goal for goal in Goal.objects.filter(learner=learner)}
    changed = False
    for item in goals:
        goal = existing.get(item.get("id")) if item.get("id") else None
        if item.get("delete"):
            if goal is not None:
                goal.delete()
                changed = True
            continue
        if not item.get("description"):
            continue
        if goal is None:
            goal = Goal(learner=learner)
        values = (item["description"], item["target_on"], item["status"])
        if goal.pk and (goal.description, goal.target_on, goal.status) == values:
            continue
        goal.description, goal.target_on, goal.status = values
        goal.full_clean()
        goal.save()
        changed = True
    return changed
