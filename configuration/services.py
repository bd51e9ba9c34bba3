"""Writes for staff accounts, prisons and regions. Each service checks the
CONFIGURE capability, runs in one transaction, validates with full_clean and
writes one audit event. Staff accounts stay accounts.models.User: this app adds
the administrator's actions on them, reusing accounts' password-reset link and
two-factor reset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import Capability, access_for, forget_access
from accounts.models import Prison, Region, Role, User
from accounts.two_factor import two_factor_reset
from audit.actions import Action
from audit.services import audit_record
from learners import events
from learners.models import Learner, TimelineKind
from learners.timeline import change_record
from notifications.models import AccountEmailPurpose
from notifications.services import account_email_create
from reviews.models import Intervention

if TYPE_CHECKING:
    from configuration.selectors import HandOnPlan

LAST_ADMINISTRATOR = (
    "You cannot do this: there must always be at least one active administrator. "
    "Invite or reactivate another administrator first."
)


def _require_configure(actor) -> None:
    access_for(actor).require(Capability.CONFIGURE)


def _other_active_administrators(user: User) -> bool:
    """Lock the active administrators, then say whether any but `user` remain, so
    two administrators deactivating each other at once cannot both succeed."""
    admins = list(
        User.objects.select_for_update()
        .filter(role=Role.ADMINISTRATOR, is_active=True)
        .values_list("pk", flat=True)
    )
    return any(pk != user.pk for pk in admins)


def _prison_ids(prisons: Iterable[Prison]) -> list[int]:
    return sorted(prison.pk for prison in prisons)


# Staff


def _invitation_queue(user: User) -> None:
    """The invitation is one notifications.AccountEmail row, written with the
    change; its task goes through the outbox (published after commit) and sends
    it at most once, through the row's claim."""
    from configuration.tasks import staff_invitation_send

    email = account_email_create(recipient=user, purpose=AccountEmailPurpose.STAFF_INVITATION)
    staff_invitation_send.delay_on_commit(email.pk)


@transaction.atomic
def staff_invite(
    *,
    actor,
    email: str,
    full_name: str,
    role: str,
    prisons: Iterable[Prison] = (),
) -> User:
    """Add a member of staff with no password and email them a link to set one.
    The link is the password-reset link, so it expires after PASSWORD_RESET_TIMEOUT
    and stops working once used. At their first sign-in they set up two-factor."""
    _require_configure(actor)
    if User.objects.filter(email__iexact=email.strip()).exists():
        raise ValidationError({"email": "There is already an account with this email address"})
    user = User(email=email.strip().lower(), full_name=full_name.strip(), role=role)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    prisons = list(prisons)
    user.prisons.set(prisons)
    audit_record(
        actor=actor,
        action="configuration.staff.invite",
        obj=user,
        detail={"role": role, "prisons": _prison_ids(prisons)},
    )
    _invitation_queue(user)
    return user


@transaction.atomic
def staff_invitation_resend(*, actor, user: User) -> None:
    """Send the set-password link again (the first one expired or was lost)."""
    _require_configure(actor)
    if not user.is_active or user.has_usable_password():
        raise ValidationError(
            "Only an active member of staff who has not set a password yet can be sent "
            "an invitation again"
        )
    audit_record(actor=actor, action="configuration.staff.invitation_resend", obj=user)
    _invitation_queue(user)


@transaction.atomic
def staff_update(
    *, actor, user: User, full_name: str, role: str, prisons: Iterable[Prison]
) -> User:
    """Change a member of staff's name, role and prisons."""
    _require_configure(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {
        "role": user.role,
        "prisons": sorted(user.prisons.values_list("pk", flat=True)),
    }
    if (
        user.role == Role.ADMINISTRATOR
        and role != Role.ADMINISTRATOR
        and user.is_active
        and not _other_active_administrators(user)
    ):
        raise ValidationError({"role": LAST_ADMINISTRATOR})
    user.full_name = full_name.strip()
    user.role = role
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "role"])
    prisons = list(prisons)
    user.prisons.set(prisons)
    forget_access(user)
    after = {"role": role, "prisons": _prison_ids(prisons)}
    audit_record(
        actor=actor,
        action="configuration.staff.update",
        obj=user,
        detail={"before": before, "after": after},
    )
    return user


def _sessions_end(user: User) -> int:
    """Delete every stored session of `user`. The sign-in check also refuses an
    inactive user on their next request, whatever the session engine."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store().decode(session.session_data)
        if str(data.get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def staff_deactivate(*, actor, user: User) -> User:
    """Stop a member of staff signing in; their sessions end at once. Their name
    stays on everything they recorded."""
    _require_configure(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(f"{user.full_name} is already deactivated")
    if user.role == Role.ADMINISTRATOR and not _other_active_administrators(user):
        raise ValidationError(LAST_ADMINISTRATOR)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _sessions_end(user)
    audit_record(
        actor=actor,
        action="configuration.staff.deactivate",
        obj=user,
        detail={"sessions_ended": ended},
    )
    return user


@transaction.atomic
def staff_reactivate(*, actor, user: User) -> User:
    _require_configure(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError(f"{user.full_name} is already active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="configuration.staff.reactivate", obj=user)
    return user


@transaction.atomic
def staff_two_factor_reset(*, actor, user: User) -> None:
    """Remove the person's authenticator app and backup codes (a lost phone): at
    their next sign-in they set up a new app. accounts.two_factor writes the audit
    event."""
    _require_configure(actor)
    two_factor_reset(actor=actor, user=user)


# Prisons and regions


@transaction.atomic
def prison_add(*, actor, code: str, name: str, region: Region) -> Prison:
    _require_configure(actor)
    prison = Prison(code=code.strip().upper(), name=name.strip(), region=region)
    prison.full_clean()
    prison.save()
    audit_record(actor=actor, action="configuration.prison.add", obj=prison)
    return prison


@transaction.atomic
def prison_update(*, actor, prison: Prison, name: str, region: Region) -> Prison:
    """Rename a prison or move it to another region. The code never changes: it is
    how partners' reports and imports name the prison."""
    _require_configure(actor)
    prison = Prison.objects.select_for_update().get(pk=prison.pk)
    before = {"name": prison.name, "region": prison.region_id}
    prison.name = name.strip()
    prison.region = region
    prison.full_clean()
    prison.save(update_fields=["name", "region"])
    audit_record(
        actor=actor,
        action="configuration.prison.update",
        obj=prison,
        detail={"before": before, "after": {"name": prison.name, "region": region.pk}},
    )
    return prison


@transaction.atomic
def prison_close(*, actor, prison: Prison) -> Prison:
    """A closed prison keeps its learners, staff and history, and takes no new
    learners (neither enrolment nor transfer offers it)."""
    _require_configure(actor)
    prison = Prison.objects.select_for_update().get(pk=prison.pk)
    if not prison.is_active:
        raise ValidationError(f"{prison.name} is already closed")
    prison.is_active = False
    prison.save(update_fields=["is_active"])
    audit_record(actor=actor, action="configuration.prison.close", obj=prison)
    return prison


@transaction.atomic
def prison_reopen(*, actor, prison: Prison) -> Prison:
    _require_configure(actor)
    prison = Prison.objects.select_for_update().get(pk=prison.pk)
    if prison.is_active:
        raise ValidationError(f"{prison.name} is already open")
    prison.is_active = True
    prison.save(update_fields=["is_active"])
    audit_record(actor=actor, action="configuration.prison.reopen", obj=prison)
    return prison


@transaction.atomic
def region_add(*, actor, name: str) -> Region:
    _require_configure(actor)
    region = Region(name=name.strip())
    region.full_clean()
    region.save()
    audit_record(actor=actor, action="configuration.region.add", obj=region)
    return region


@transaction.atomic
def region_rename(*, actor, region: Region, name: str) -> Region:
    _require_configure(actor)
    region = Region.objects.select_for_update().get(pk=region.pk)
    before = region.name
    region.name = name.strip()
    region.full_clean()
    region.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="configuration.region.rename",
        obj=region,
        detail={"before": before, "after": region.name},
    )
    return region


# Reminder times


@transaction.atomic
def reminder_time_change(*, actor, name: str, at: dt.time):
    """Move a scheduled reminder job (its day stays). The beat scheduler reads the
    database schedule, so the change takes effect without a deployment."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    from configuration.settings_summary import REMINDER_JOBS
    from notifications.schedule import TIMEZONE

    _require_configure(actor)
    if name not in REMINDER_JOBS:
        raise ValidationError("This job's time cannot be changed here")
    task = PeriodicTask.objects.select_for_update().filter(name=name).first()
    if task is None:
        raise ValidationError(
            f"'{name}' is not scheduled. Ask a developer to install the schedule."
        )
    day_of_week = task.crontab.day_of_week if task.crontab else REMINDER_JOBS[name][2]
    before = f"{task.crontab.hour}:{task.crontab.minute}" if task.crontab else ""
    task.crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(at.minute),
        hour=str(at.hour),
        day_of_week=day_of_week,
        day_of_month="*",
        month_of_year="*",
        timezone=TIMEZONE,
    )
    task.save()
    audit_record(
        actor=actor,
        action="configuration.reminder_time.change",
        obj=task,
        detail={"before": before, "after": f"{at.hour}:{at.minute}"},
    )
    return task


# Handing on a departing tutor's caseload (issue 17 item 8)


@transaction.atomic
def tutor_hand_on(*, actor, departing: User, receiving: list[User]) -> HandOnPlan:
    """Hand every learner and open intervention of `departing` to the receiving
    tutors (each at the learner's prison), in one transaction: all or nothing. One
    audit event and one timeline entry per learner, and one summary event. An
    administrator hands on everything; a regional manager only what is at their
    own prisons, to tutors at those prisons."""
    from configuration.selectors import hand_on_prisons, tutor_hand_on_plan

    scope = hand_on_prisons(actor)
    if departing.role != Role.TUTOR:
        raise ValidationError(f"{departing.full_name} is not a tutor")
    receiving = [tutor for tutor in receiving if tutor.pk != departing.pk]
    if not receiving:
        raise ValidationError({"receiving": "Choose at least one tutor to hand on to"})
    departing_prisons = set(departing.prisons.values_list("pk", flat=True))
    if scope is not None:
        departing_prisons &= scope
    for tutor in receiving:
        if (
            tutor.role != Role.TUTOR
            or not tutor.is_active
            or not departing_prisons & {p.pk for p in tutor.prisons.all()}
        ):
            raise ValidationError(
                {"receiving": f"{tutor.full_name} is not an active tutor at the same prisons"}
            )
    # Lock the rows, then plan inside the transaction.
    locked = Learner.objects.select_for_update().filter(tutor=departing)
    if scope is not None:
        locked = locked.filter(prison__in=scope)
    list(locked.values_list("pk"))
    plan = tutor_hand_on_plan(actor, departing, receiving)
    if plan.uncovered:
        raise ValidationError(
            {
                "receiving": "Choose a tutor who works at "
                + ", ".join(plan.uncovered)
                + ": some of the learners are there"
            }
        )
    if not plan.learners and not plan.interventions:
        raise ValidationError(
            f"{departing.full_name} has no learners or open interventions"
            + (" at your prisons" if scope is not None else "")
        )
    moved: dict[int, list[int]] = {}
    for intervention, tutor in plan.interventions:
        Intervention.objects.filter(pk=intervention.pk).update(owner=tutor)
        moved.setdefault(intervention.learner_id, []).append(intervention.pk)
    handed = {learner.pk for learner, _ in plan.learners}
    for learner, tutor in plan.learners:
        Learner.objects.filter(pk=learner.pk).update(tutor=tutor, updated_at=timezone.now())
        count = len(moved.get(learner.pk, []))
        change_record(
            actor=actor,
            action=Action.LEARNER_TUTOR_HAND_ON,
            learner=learner,
            obj=learner,
            summary=f"Tutor: {tutor.full_name} (handed on from {departing.full_name})"
            + (
                f"; {count} open intervention{'s' if count != 1 else ''} with them" if count else ""
            ),
            kind=TimelineKind.DETAILS,
            detail={
                "from": departing.pk,
                "to": tutor.pk,
                "interventions": moved.get(learner.pk, []),
            },
        )
    # Interventions on learners someone else tutors: on those learners' timelines.
    for intervention, tutor in plan.interventions:
        if intervention.learner_id in handed:
            continue
        change_record(
            actor=actor,
            action=Action.LEARNER_TUTOR_HAND_ON,
            learner=intervention.learner,
            obj=intervention,
            summary=f"Intervention handed on from {departing.full_name} to {tutor.full_name}",
            kind=TimelineKind.DETAILS,
            detail={"from": departing.pk, "to": tutor.pk, "interventions": [intervention.pk]},
        )
    # The departing tutor's reminders about these learners are withdrawn (listener
    # in notifications); the next sweep reminds the receiving tutors.
    handed_to: dict[tuple[int, int], None] = {}
    for learner, tutor in plan.learners:
        handed_to[(learner.pk, tutor.pk)] = None
    for intervention, tutor in plan.interventions:
        handed_to[(intervention.learner_id, tutor.pk)] = None
    for learner_id, tutor_id in handed_to:
        events.publish(
            events.TutorHandedOn(
                learner_id=learner_id,
                actor_id=actor.pk,
                from_tutor_id=departing.pk,
                to_tutor_id=tutor_id,
            )
        )
    audit_record(
        actor=actor,
        action="configuration.staff.hand_on",
        obj=departing,
        detail={
            "learners": len(plan.learners),
            "interventions": len(plan.interventions),
            "to": sorted(tutor.pk for tutor in receiving),
            "prisons": "all" if scope is None else sorted(scope),
        },
    )
    return plan
