"""Writes to learner records. Each service is atomic, validates the row, records
a timeline entry where something happened to a learner, and writes one audit event
(`change_record` does both). What other apps must do about a change they hear as a
journey event (learners/events.py, docs/journey.md), never by import."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.models import Prison, Role, User
from audit.actions import Action
from audit.late_entries import happened_at
from audit.services import audit_record
from code4000.plain_words import in_sentence
from learners import events
from learners.models import (
    COURSE_TRANSITIONS,
    CUSTODY_TRANSITIONS,
    CUSTODY_WORKFLOW_REFUSALS,
    GRADUATION_REFUSED,
    INTAKE_FIELDS,
    RESTRICTED_FIELDS,
    CaseNote,
    Consent,
    ConsentKind,
    CourseStatus,
    CustodyStatus,
    Goal,
    IntakeDraft,
    IntakeInterview,
    IntakeRestricted,
    IntakeRevision,
    Learner,
    StatusChange,
    StatusField,
    TimelineKind,
    Transfer,
)
from learners.selectors import may_change_regional_manager, regional_managers_for_learner
from learners.timeline import change_record, timeline_record

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
    "gender",
    "pnc_number",
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
    change_record(
        actor=actor,
        action=Action.LEARNER_CREATE,
        learner=learner,
        obj=learner,
        summary=f"Enrolled at {prison.name}",
        kind=TimelineKind.ENROLMENT,
    )
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
    old_release_on = Learner.objects.values_list("expected_release_on", flat=True).get(
        pk=learner.pk
    )
    learner.full_clean()
    learner.save()
    labels = ", ".join(Learner._meta.get_field(n).verbose_name for n in changed)
    change_record(
        actor=actor,
        action=Action.LEARNER_UPDATE,
        learner=learner,
        obj=learner,
        summary=f"Details changed: {labels}",
        kind=TimelineKind.DETAILS,
        detail={"fields": changed},
    )
    if "expected_release_on" in changed:
        events.publish(
            events.ReleaseDateChanged(
                learner_id=learner.pk,
                actor_id=_actor_id(actor),
                old=old_release_on,
                new=learner.expected_release_on,
            )
        )
    return learner


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


@transaction.atomic
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
    on: dt.date | None = None,
) -> StatusChange:
    """Move a status along its allowed transitions, with a StatusChange, a timeline
    entry and an audit event. The caller has already checked the actor may do the
    thing that causes the move (a regional manager's status page, a tutor's module
    completion that graduates the learner, a release). `on` is the day the move
    happened (a release), if not today: the timeline entry goes on that day."""
    attribute, transitions, choices = {
        StatusField.COURSE: ("course_status", COURSE_TRANSITIONS, CourseStatus),
        StatusField.CUSTODY: ("custody_status", CUSTODY_TRANSITIONS, CustodyStatus),
    }[field]
    current = getattr(learner, attribute)
    if to not in transitions.get(current, frozenset()):
        raise TransitionRefused(
            f"{StatusField(field).label} cannot change from "
            f"{in_sentence(choices(current).label)} to {in_sentence(choices(to).label)}."
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
            f"{StatusField(field).label} changed from {in_sentence(choices(current).label)} "
            f"to {in_sentence(choices(to).label)}"
        ),
        actor=actor,
        obj=change,
        occurred_at=happened_at(on) if on is not None else None,
    )
    if audit:
        audit_record(
            actor=actor,
            action=Action.LEARNER_STATUS_CHANGE,
            obj=learner,
            learner_id=learner.pk,
            detail={"field": field, "from": current, "to": to},
        )
    event = (
        events.CourseStatusChanged if field == StatusField.COURSE else events.CustodyStatusChanged
    )
    events.publish(
        event(learner_id=learner.pk, actor_id=_actor_id(actor), from_status=current, to_status=to)
    )
    return change


@transaction.atomic
def learner_change_course_status(
    *, actor, learner: Learner, to: str, reason: str = "", audit: bool = True
) -> StatusChange:
    """The one way to change a learner's course status. Refuses moves that
    COURSE_TRANSITIONS does not allow (TransitionRefused), and graduation: a learner
    graduates by the graduation rule (their last required module) or a director's
    recorded exception, both in the reviews app."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    if to == CourseStatus.GRADUATED:
        raise TransitionRefused(GRADUATION_REFUSED)
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
    """Custody status moves only through the release workflow (a release needs its
    date, type, area and follow-ups) and the return-to-custody workflow: this
    refuses both, so a status page cannot leave a release half recorded."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    if to in CUSTODY_WORKFLOW_REFUSALS:
        raise TransitionRefused(CUSTODY_WORKFLOW_REFUSALS[to])
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
    new prison; the regional manager follows `regional_manager_after_transfer`.
    Publishes LearnerTransferred: interventions and reminders follow (docs/journey.md)."""
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
    update = ["prison", "updated_at", "regional_manager"]
    if learner.tutor_id and not learner.tutor.prisons.filter(pk=to_prison.pk).exists():
        learner.tutor = None
        update.append("tutor")
    learner.regional_manager = regional_manager_after_transfer(learner, to_prison)
    learner.save(update_fields=update)
    change_record(
        actor=actor,
        action=Action.LEARNER_TRANSFER,
        learner=learner,
        obj=learner,
        timeline_obj=transfer,
        summary=f"Transferred from {from_name} to {to_prison.name}",
        kind=TimelineKind.TRANSFER,
        occurred_at=timezone.make_aware(dt.datetime.combine(transferred_on, dt.time(12))),
        detail={"from_prison": transfer.from_prison_id, "to_prison": to_prison.pk},
    )
    events.publish(
        events.LearnerTransferred(
            learner_id=learner.pk,
            actor_id=_actor_id(actor),
            from_prison_id=transfer.from_prison_id,
            to_prison_id=to_prison.pk,
            on=transferred_on,
        )
    )
    return transfer


def regional_manager_after_transfer(learner: Learner, to_prison: Prison) -> User | None:
    """Who manages the learner at the new prison: the current regional manager if
    they cover it; otherwise the prison's one active regional manager; otherwise
    nobody, and the learner shows in the prison's "needs a regional manager" list
    for its regional managers to take on."""
    current = learner.regional_manager
    if (
        current is not None
        and current.is_active
        and current.prisons.filter(pk=to_prison.pk).exists()
    ):
        return current
    candidates = list(
        User.objects.filter(role=Role.REGIONAL_MANAGER, is_active=True, prisons=to_prison).order_by(
            "pk"
        )[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


@transaction.atomic
def learner_regional_manager_take_on(*, actor, learner: Learner) -> Learner:
    """A regional manager of the learner's prison becomes the regional manager of a
    learner who has none."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    if access_for(actor).role != Role.REGIONAL_MANAGER:
        raise PermissionDenied("Only a regional manager can take on a learner.")
    if learner.regional_manager_id is not None:
        raise ValidationError(f"{learner.display_name} already has a regional manager.")
    learner.regional_manager = actor
    learner.save(update_fields=["regional_manager", "updated_at"])
    change_record(
        actor=actor,
        action=Action.LEARNER_RM_TAKE_ON,
        learner=learner,
        obj=learner,
        summary=f"Regional manager: {actor.full_name}",
        kind=TimelineKind.DETAILS,
    )
    events.publish(
        events.RegionalManagerAssigned(
            learner_id=learner.pk, actor_id=actor.pk, manager_id=actor.pk
        )
    )
    return learner


@transaction.atomic
def learner_regional_manager_change(*, actor, learner: Learner, manager: User) -> Learner:
    """Make `manager` (an active regional manager at the learner's prison) the
    learner's regional manager. Audited and on the timeline; RegionalManagerChanged
    lets reminders and interventions follow."""
    if not may_change_regional_manager(actor, learner):
        raise PermissionDenied("Only an administrator or a regional manager of the prison.")
    learner = (
        Learner.objects.select_for_update(of=("self",))
        .select_related("regional_manager")
        .get(pk=learner.pk)
    )
    if not regional_managers_for_learner(learner).filter(pk=manager.pk).exists():
        raise ValidationError(
            {"manager": "Choose an active regional manager who works at the learner's prison"}
        )
    if learner.regional_manager_id == manager.pk:
        raise ValidationError({"manager": f"{manager.full_name} is already the regional manager"})
    before = learner.regional_manager
    learner.regional_manager = manager
    learner.save(update_fields=["regional_manager", "updated_at"])
    change_record(
        actor=actor,
        action=Action.LEARNER_RM_CHANGE,
        learner=learner,
        obj=learner,
        summary=f"Regional manager: {manager.full_name}"
        + (f" (was {before.full_name})" if before else ""),
        kind=TimelineKind.DETAILS,
        detail={"from": before.pk if before else None, "to": manager.pk},
    )
    events.publish(
        events.RegionalManagerChanged(
            learner_id=learner.pk,
            actor_id=_actor_id(actor),
            from_manager_id=before.pk if before else None,
            to_manager_id=manager.pk,
        )
    )
    return learner


# --- Consents ------------------------------------------------------------------------


def _consents_apply(*, actor, learner: Learner, wanted: dict[str, dt.date | None]) -> list[str]:
    """Bring standing consents in line with `wanted` (kind -> date given, or None
    for not given), from the intake form, through the consent services: a
    withdrawal is dated today (the consents page takes an earlier date)."""
    standing = {
        c.kind: c for c in Consent.objects.filter(learner=learner, withdrawn_on__isnull=True)
    }
    changes = []
    for kind, given_on in wanted.items():
        current = standing.get(kind)
        label = ConsentKind(kind).label
        if given_on is None and current is not None:
            consent_withdraw(actor=actor, consent=current)
            changes.append(f"{label}: withdrawn")
        elif given_on is not None and current is None:
            consent_give(actor=actor, learner=learner, kind=kind, given_on=given_on)
            changes.append(f"{label}: given")
        elif given_on is not None and current is not None and current.given_on != given_on:
            errors = current.date_errors("given_on", given_on)
            if errors:
                raise ValidationError(errors)
            current.given_on = given_on
            current.save(update_fields=["given_on"])
            timeline_record(
                learner=learner,
                kind=TimelineKind.CONSENT,
                summary=f"{label}: date corrected",
                actor=actor,
            )
            changes.append(f"{label}: date corrected")
    return changes


@transaction.atomic
def consent_give(*, actor, learner: Learner, kind: str, given_on: dt.date) -> Consent:
    """Record a consent the learner gave on `given_on` (a new row: a consent given
    again after a withdrawal starts a new history line)."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    if Consent.objects.filter(learner=learner, kind=kind, withdrawn_on__isnull=True).exists():
        raise ValidationError({"given_on": "This consent is already given"})
    consent = Consent(learner=learner, kind=kind, given_on=given_on, recorded_by=actor)
    errors = consent.date_errors("given_on", given_on)
    if errors:
        raise ValidationError(errors)
    consent.full_clean()
    consent.save()
    change_record(
        actor=actor,
        action=Action.CONSENT_GIVE,
        learner=learner,
        obj=consent,
        summary=f"{consent.get_kind_display()}: given",
        kind=TimelineKind.CONSENT,
        occurred_at=happened_at(given_on),
        detail={"kind": kind},
    )
    events.publish(
        events.ConsentChanged(
            learner_id=learner.pk, actor_id=_actor_id(actor), kind=kind, given=True
        )
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, withdrawn_on: dt.date | None = None) -> Consent:
    """The learner withdrew a consent on `withdrawn_on` (today if not given). It
    takes effect at once whatever the date: a withdrawn consent to share with the
    OMU stops the prison's OMU seeing the learner from this moment (the selectors
    read standing consents). Publishes ConsentChanged and ConsentWithdrawn."""
    _require(actor, Capability.CHANGE_LEARNER, consent.learner.prison_id)
    consent = Consent.objects.select_for_update().select_related("learner").get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        return consent
    withdrawn_on = withdrawn_on or max(timezone.localdate(), consent.given_on)
    errors = consent.date_errors("withdrawn_on", withdrawn_on)
    if errors:
        raise ValidationError(errors)
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_recorded_by = actor if _actor_id(actor) else None
    consent.withdrawal_recorded_at = timezone.now()
    consent.full_clean(exclude=["recorded_by", "withdrawal_recorded_by"])
    consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by", "withdrawal_recorded_at"])
    change_record(
        actor=actor,
        action=Action.CONSENT_WITHDRAW,
        learner=consent.learner,
        obj=consent,
        summary=f"{consent.get_kind_display()}: withdrawn",
        kind=TimelineKind.CONSENT,
        occurred_at=happened_at(withdrawn_on),
        detail={"kind": consent.kind},
    )
    actor_id = _actor_id(actor)
    events.publish(
        events.ConsentChanged(
            learner_id=consent.learner_id, actor_id=actor_id, kind=consent.kind, given=False
        )
    )
    events.publish(
        events.ConsentWithdrawn(
            learner_id=consent.learner_id, actor_id=actor_id, kind=consent.kind, on=withdrawn_on
        )
    )
    return consent


# --- Case notes ----------------------------------------------------------------------


def _case_note_save(*, actor, note: CaseNote, action: Action, summary: str) -> CaseNote:
    if note.restricted and not access_for(actor).sees_restricted:
        raise PermissionDenied("Your role cannot record restricted notes.")
    note.full_clean()
    note.save()
    change_record(
        actor=actor,
        action=action,
        learner=note.learner,
        obj=note,
        summary=summary,
        kind=TimelineKind.CASE_NOTE,
        occurred_at=happened_at(note.happened_on),
        restricted=note.restricted,
        detail={"restricted": note.restricted},
    )
    return note


@transaction.atomic
def case_note_add(
    *, actor, learner: Learner, happened_on: dt.date, text: str, restricted: bool
) -> CaseNote:
    """A dated case note, restricted (health, recovery, offending behaviour) or not."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    note = CaseNote(
        learner=learner,
        happened_on=happened_on,
        text=text,
        restricted=restricted,
        recorded_by=actor,
    )
    return _case_note_save(
        actor=actor, note=note, action=Action.CASE_NOTE_ADD, summary=f"Case note: {text}"
    )


@transaction.atomic
def case_note_correct(*, actor, note: CaseNote, text: str) -> CaseNote:
    """Put a case note right: a new note pointing at it, of the same date and the
    same restriction. The original is kept as it was (see CaseNote)."""
    _require(actor, Capability.CHANGE_LEARNER, note.learner.prison_id)
    correction = CaseNote(
        learner=note.learner,
        happened_on=note.happened_on,
        text=text,
        restricted=note.restricted,
        corrects=note,
        recorded_by=actor,
    )
    return _case_note_save(
        actor=actor,
        note=correction,
        action=Action.CASE_NOTE_CORRECT,
        summary=f"Case note corrected: {text}",
    )


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

    old_release_on = learner.expected_release_on
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
    audit_record(
        actor=actor,
        action=Action.INTAKE_CREATE if creating else "intake.update",
        obj=intake,
        learner_id=learner.pk,
        detail={"fields": changed, "restricted_fields": restricted_changed},
    )
    actor_id = _actor_id(actor)
    if creating:
        events.publish(
            events.IntakeCompleted(
                learner_id=learner.pk, actor_id=actor_id, held_on=learner.intake_completed_on
            )
        )
    elif changed or restricted_changed:
        events.publish(events.IntakeEdited(learner_id=learner.pk, actor_id=actor_id))
    if old_release_on != learner.expected_release_on:
        events.publish(
            events.ReleaseDateChanged(
                learner_id=learner.pk,
                actor_id=actor_id,
                old=old_release_on,
                new=learner.expected_release_on,
            )
        )
    return intake


# --- The intake interview in steps (learners.intake_steps) ------------------------


@transaction.atomic
def intake_draft_save_step(
    *, actor, learner: Learner, step: str, values: Any, start_from: dict[str, Any]
) -> IntakeDraft:
    """Keep one step's answers in the actor's draft of the learner's intake, making
    the draft (from `start_from`: the recorded answers, when editing) if need be.
    Nothing is recorded on the learner until `intake_draft_confirm`."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    draft, _ = IntakeDraft.objects.select_for_update().get_or_create(
        learner=learner, author=actor, defaults={"answers": start_from}
    )
    answers = draft.answers if isinstance(draft.answers, dict) else {}
    draft.answers = {**answers, step: values}
    draft.full_clean()
    draft.save()
    audit_record(
        actor=actor,
        action=Action.INTAKE_DRAFT_SAVE,
        obj=draft,
        learner_id=learner.pk,
        detail={"step": step},
    )
    return draft


@transaction.atomic
def intake_draft_confirm(
    *, actor, learner: Learner, checked: dict[str, Any], **payload: Any
) -> IntakeInterview | None:
    """Record the interview from the actor's draft and delete the draft, once: a
    second submit (a double click, a second tab) finds no draft and records
    nothing, so the journey events fire once. `checked` is the draft's answers as
    shown on "check your answers"; if they changed since, nothing is recorded."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    draft = IntakeDraft.objects.select_for_update().filter(learner=learner, author=actor).first()
    if draft is None:
        return None
    if draft.answers != checked:
        raise ValidationError(
            "The answers were changed in another window. Check them again before saving."
        )
    intake = intake_save(actor=actor, learner=learner, **payload)
    draft.delete()
    return intake


@transaction.atomic
def intake_draft_discard(*, actor, learner: Learner) -> bool:
    """Throw away the actor's unfinished answers for the learner's intake."""
    _require(actor, Capability.CHANGE_LEARNER, learner.prison_id)
    deleted, _ = IntakeDraft.objects.filter(learner=learner, author=actor).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=Action.INTAKE_DRAFT_DISCARD,
            obj=learner,
            learner_id=learner.pk,
        )
    return bool(deleted)


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
