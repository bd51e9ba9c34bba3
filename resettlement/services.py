"""Writes for resettlement. Each is one transaction, validates the rows it writes,
records one audit event and, for anything that happens to a learner, a timeline
entry. Anything OMU staff do (and every time they open a plan) also adds a row to
the plan's share log, naming the consent it happened under."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.models import Role
from audit.actions import Action
from audit.late_entries import happened_at, late_detail
from audit.services import audit_record
from learners import events
from learners.models import CourseStatus, CustodyStatus, Learner, StatusField, TimelineKind
from learners.services import learner_status_move
from learners.timeline import change_record, timeline_record
from resettlement.models import (
    APPLICATION_CLOSED_STATUSES,
    APPLICATION_DATE_FIELDS,
    APPLICATION_TRANSITIONS,
    FOLLOW_UP_MONTHS,
    UPDATE_STATUSES,
    ActionUpdate,
    Application,
    ApplicationStatus,
    Employer,
    FollowUp,
    Mentor,
    MentorMatch,
    Opportunity,
    Outcome,
    OutcomeKind,
    OutcomeSource,
    Pathway,
    PlanAction,
    PlanComment,
    PlanPathway,
    PlanShareLog,
    Release,
    ResettlementPlan,
    SelfReport,
    ShareEvent,
    SupportContact,
)
from resettlement.selectors import standing_sharing_consent


def _is_omu(actor) -> bool:
    return access_for(actor).role == Role.OMU


def _share_log(*, actor, plan: ResettlementPlan, event: str, what: str) -> PlanShareLog:
    """A share-log row under the learner's standing consent; refuses without one."""
    learner = plan.learner
    consent = standing_sharing_consent(learner)
    if consent is None:
        raise PermissionDenied("The learner has not consented to sharing their plan.")
    return PlanShareLog.objects.create(
        learner=learner,
        plan=plan,
        consent=consent,
        event=event,
        what=what[:200],
        user=actor if actor is not None and actor.is_authenticated else None,
        prison=learner.prison,
    )


# The plan


@transaction.atomic
def plan_start(*, actor, learner: Learner) -> ResettlementPlan:
    """Start a learner's plan with the seven pathways. Safe to call twice (the
    intake may call it): an existing plan is returned unchanged."""
    existing = ResettlementPlan.objects.filter(learner=learner).first()
    if existing is not None:
        return existing
    plan = ResettlementPlan.objects.create(learner=learner, started_by=actor)
    PlanPathway.objects.bulk_create(
        PlanPathway(plan=plan, pathway=pathway) for pathway in Pathway.values
    )
    timeline_record(
        learner=learner, kind=TimelineKind.PLAN, summary="Resettlement plan started", actor=actor
    )
    if standing_sharing_consent(learner) is not None:
        _share_log(
            actor=actor,
            plan=plan,
            event=ShareEvent.SHARED,
            what=f"Plan shared with the OMU of {learner.prison.name}",
        )
        timeline_record(
            learner=learner,
            kind=TimelineKind.SHARE,
            summary=f"Resettlement plan shared with the OMU of {learner.prison.name}",
            actor=actor,
        )
    audit_record(actor=actor, action=Action.PLAN_START, obj=plan, learner_id=learner.pk)
    return plan


@transaction.atomic
def plan_view_record(*, actor, learner: Learner, plan: ResettlementPlan | None) -> None:
    """One audit event for a view of the plan page; for OMU staff also a share-log row."""
    audit_record(
        actor=actor,
        action=Action.PLAN_VIEW,
        obj=plan,
        learner_id=learner.pk,
        detail={"omu": _is_omu(actor)},
    )
    if plan is not None and _is_omu(actor):
        # The OMU viewer did not share it: the share row names no user.
        _ensure_shared(actor=None, plan=plan)
        _share_log(actor=actor, plan=plan, event=ShareEvent.VIEWED, what="Viewed the plan")


def _ensure_shared(*, actor, plan: ResettlementPlan) -> None:
    """A 'shared' row for the standing consent, if the plan was not shared under it
    yet (the consent was given after the plan started)."""
    consent = standing_sharing_consent(plan.learner)
    if consent is None:
        return
    if not PlanShareLog.objects.filter(
        plan=plan, consent=consent, event=ShareEvent.SHARED
    ).exists():
        _share_log(
            actor=actor,
            plan=plan,
            event=ShareEvent.SHARED,
            what=f"Plan shared with the OMU of {plan.learner.prison.name}",
        )
        timeline_record(
            learner=plan.learner,
            kind=TimelineKind.SHARE,
            summary=f"Resettlement plan shared with the OMU of {plan.learner.prison.name}",
            actor=actor,
        )


@transaction.atomic
def plan_share_record(*, actor, learner: Learner) -> None:
    """Log the share of an existing plan under a newly given consent. For the intake
    or consent service to call when SHARE_WITH_OMU is granted; idempotent."""
    plan = ResettlementPlan.objects.filter(learner=learner).first()
    if plan is not None:
        _ensure_shared(actor=actor, plan=plan)


@transaction.atomic
def pathway_set_status(*, actor, pathway: PlanPathway, status: str) -> PlanPathway:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    before = pathway.status
    pathway.status = status
    pathway.full_clean()
    pathway.save(update_fields=["status", "updated_at"])
    learner = pathway.plan.learner
    if before != status:
        timeline_record(
            learner=learner,
            kind=TimelineKind.PLAN,
            summary=f"{pathway.get_pathway_display()}: {pathway.get_status_display()}",
            actor=actor,
            obj=pathway,
        )
    audit_record(
        actor=actor,
        action=Action.PATHWAY_CHANGE,
        obj=pathway,
        learner_id=learner.pk,
        detail={"from": before, "to": status},
    )
    return pathway


@transaction.atomic
def action_add(*, actor, pathway: PlanPathway, **fields: Any) -> PlanAction:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    action = PlanAction(pathway=pathway, created_by=actor, **fields)
    action.full_clean()
    action.save()
    learner = pathway.plan.learner
    change_record(
        actor=actor,
        action=Action.ACTION_ADD,
        learner=learner,
        obj=action,
        summary=f"Action added to {pathway.get_pathway_display()}",
        kind=TimelineKind.PLAN,
    )
    return action


@transaction.atomic
def action_change(*, actor, action: PlanAction, **fields: Any) -> PlanAction:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    learner = action.pathway.plan.learner
    change_record(
        actor=actor,
        action=Action.ACTION_CHANGE,
        learner=learner,
        obj=action,
        summary=f"Action changed in {action.pathway.get_pathway_display()}: "
        f"{action.get_status_display()}",
        kind=TimelineKind.PLAN,
        detail={"fields": sorted(fields)},
    )
    return action


@transaction.atomic
def action_update_add(
    *,
    actor,
    action: PlanAction,
    text: str,
    written_on: dt.date | None = None,
    status: str = "",
) -> ActionUpdate:
    """Add a dated update to an action, and set its status when `status` is given
    (one of UPDATE_STATUSES). OMU staff: only actions the prison owns."""
    access_for(actor).require(Capability.UPDATE_PRISON_ACTIONS)
    omu = _is_omu(actor)
    if omu and not action.owned_by_prison:
        raise PermissionDenied("OMU staff can only update actions the prison owns.")
    if status and status not in UPDATE_STATUSES:
        raise ValidationError({"status": "Select the status of the action"})
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    update = ActionUpdate(
        action=action,
        text=text,
        author=actor,
        written_on=written_on or timezone.localdate(),
        status=status,
    )
    update.full_clean()
    update.save()
    previous = action.status
    if status and status != previous:
        action.status = status
        action.save(update_fields=["status"])
    plan = action.pathway.plan
    learner = plan.learner
    summary = f"Update to an action in {action.pathway.get_pathway_display()}"
    if status:
        summary += f": {action.get_status_display()}"
    if omu:
        _share_log(actor=actor, plan=plan, event=ShareEvent.ACTION_UPDATED, what=summary)
    change_record(
        actor=actor,
        action=Action.ACTION_UPDATE,
        learner=learner,
        obj=update,
        summary=summary,
        kind=TimelineKind.PLAN,
        detail={"status_from": previous, "status_to": action.status} if status else None,
    )
    return update


@transaction.atomic
def plan_comment_add(*, actor, plan: ResettlementPlan, text: str) -> PlanComment:
    access_for(actor).require(Capability.UPDATE_PRISON_ACTIONS)
    comment = PlanComment(plan=plan, text=text, author=actor)
    comment.full_clean()
    comment.save()
    if _is_omu(actor):
        _share_log(actor=actor, plan=plan, event=ShareEvent.COMMENTED, what="Commented on the plan")
    change_record(
        actor=actor,
        action=Action.PLAN_COMMENT,
        learner=plan.learner,
        obj=comment,
        summary="Comment on the resettlement plan",
        kind=TimelineKind.PLAN,
    )
    return comment


# Release, return to custody, follow-ups and support


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def follow_up_schedule(released_on: dt.date) -> list[tuple[int, dt.date]]:
    """(months, due date) for each follow-up after a release on `released_on`."""
    return [(months, add_months(released_on, months)) for months in FOLLOW_UP_MONTHS]


@transaction.atomic
def release_record(
    *,
    actor,
    learner: Learner,
    released_on: dt.date,
    release_type: str,
    area: str,
    support_agreed: str = "",
    contact_email: str = "",
) -> Release:
    """Release: custody status to released, reviews stop (no next review due) and
    the follow-ups at 1, 3, 6, 12 and 24 months are scheduled."""
    access_for(actor).require(Capability.CHANGE_LEARNER)
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    release = Release(
        learner=learner,
        released_on=released_on,
        release_type=release_type,
        area=area,
        support_agreed=support_agreed,
        contact_email=contact_email,
        recorded_by=actor,
    )
    release.full_clean()
    learner_status_move(
        actor=actor,
        learner=learner,
        field=StatusField.CUSTODY,
        to=CustodyStatus.RELEASED,
        reason=f"{release.get_release_type_display()} on {released_on:%d %B %Y}",
        audit=False,
        kind=TimelineKind.RELEASE,
        summary=f"Released on {release.get_release_type_display().lower()} to {area}",
        on=released_on,
    )
    release.save()
    FollowUp.objects.bulk_create(
        FollowUp(release=release, learner=learner, months=months, due_on=due_on)
        for months, due_on in follow_up_schedule(released_on)
    )
    audit_record(
        actor=actor,
        action=Action.RELEASE_RECORD,
        obj=release,
        learner_id=learner.pk,
        detail=late_detail(released_on),
    )
    events.publish(
        events.ReleaseRecorded(
            learner_id=learner.pk, actor_id=actor.pk, release_id=release.pk, on=released_on
        )
    )
    return release


@transaction.atomic
def custody_return(*, actor, learner: Learner, returned_on: dt.date, reason: str = "") -> Release:
    """Return to custody: custody status moves on, the release records the date, the
    next open follow-up is confirmed with the outcome 'returned to custody' (so
    outcome statistics count it) and the later follow-ups are dropped."""
    access_for(actor).require(Capability.CHANGE_LEARNER)
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    release = Release.objects.filter(learner=learner).first()
    if release is None or release.returned_to_custody_on is not None:
        raise ValidationError("There is no release to record a return to custody against.")
    if returned_on < release.released_on:
        raise ValidationError("The date of return must be on or after the release date.")
    learner_status_move(
        actor=actor,
        learner=learner,
        field=StatusField.CUSTODY,
        to=CustodyStatus.RETURNED,
        reason=reason or f"Returned to custody on {returned_on:%d %B %Y}",
        audit=False,
        summary=f"Returned to custody on {returned_on:%d %B %Y}",
        on=returned_on,
    )
    release.returned_to_custody_on = returned_on
    release.full_clean()
    release.save(update_fields=["returned_to_custody_on"])
    open_follow_ups = list(release.follow_ups.filter(confirmed_on__isnull=True).order_by("due_on"))
    if open_follow_ups:
        follow_up = open_follow_ups[0]
        follow_up.confirmed_on = returned_on
        follow_up.source = OutcomeSource.OTHER
        follow_up.recorded_by = actor
        follow_up.recorded_at = timezone.now()
        follow_up.save()
        follow_up.outcomes.all().delete()
        Outcome.objects.create(
            follow_up=follow_up,
            learner=learner,
            confirmed_on=returned_on,
            kind=OutcomeKind.RETURNED_TO_CUSTODY,
        )
        FollowUp.objects.filter(pk__in=[f.pk for f in open_follow_ups[1:]]).delete()
    audit_record(
        actor=actor,
        action=Action.RELEASE_RETURN,
        obj=release,
        learner_id=learner.pk,
        detail=late_detail(returned_on),
    )
    events.publish(
        events.ReturnedToCustody(
            learner_id=learner.pk, actor_id=actor.pk, release_id=release.pk, on=returned_on
        )
    )
    return release


OUTCOME_DETAIL_FIELDS = ("role", "employer_name", "tech_level", "started_on", "detail")


@transaction.atomic
def follow_up_record(
    *,
    actor,
    follow_up: FollowUp,
    confirmed_on: dt.date,
    source: str,
    outcomes: list[dict[str, Any]],
) -> FollowUp:
    """Record (or correct) a follow-up: several outcomes at once, each a dict with
    `kind` and any detail fields. Replaces the outcomes recorded before."""
    access_for(actor).require(Capability.CHANGE_LEARNER)
    if not outcomes:
        raise ValidationError("Record at least one outcome.")
    follow_up.confirmed_on = confirmed_on
    follow_up.source = source
    follow_up.recorded_by = actor
    follow_up.recorded_at = timezone.now()
    follow_up.full_clean()
    follow_up.save()
    follow_up.outcomes.all().delete()
    rows = []
    for item in outcomes:
        row = Outcome(
            follow_up=follow_up,
            learner_id=follow_up.learner_id,
            confirmed_on=confirmed_on,
            kind=item["kind"],
            **{name: item[name] for name in OUTCOME_DETAIL_FIELDS if item.get(name) is not None},
        )
        row.full_clean(validate_unique=False)
        rows.append(row)
    Outcome.objects.bulk_create(rows)
    # What the learner reported counts from now on: the regional manager has
    # confirmed (or corrected) it by recording the follow-up.
    confirmed_report = SelfReport.objects.filter(
        follow_up=follow_up, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now(), confirmed_by=actor)
    labels = ", ".join(row.get_kind_display().lower() for row in rows)
    detail: dict[str, Any] = {"kinds": [row.kind for row in rows]}
    if confirmed_report:
        detail["self_report"] = "confirmed"
    change_record(
        actor=actor,
        action=Action.FOLLOW_UP_RECORD,
        learner=follow_up.learner,
        obj=follow_up,
        summary=f"{follow_up.months}-month follow-up recorded: {labels}",
        kind=TimelineKind.OUTCOME,
        occurred_at=happened_at(confirmed_on),
        detail=detail,
    )
    if confirmed_report:
        events.publish(
            events.SelfReportConfirmed(
                learner_id=follow_up.learner_id, actor_id=actor.pk, follow_up_id=follow_up.pk
            )
        )
    return follow_up


@transaction.atomic
def support_contact_add(*, actor, learner: Learner, **fields: Any) -> SupportContact:
    access_for(actor).require(Capability.CHANGE_LEARNER)
    contact = SupportContact(learner=learner, recorded_by=actor, **fields)
    contact.full_clean()
    contact.save()
    change_record(
        actor=actor,
        action=Action.CONTACT_ADD,
        learner=learner,
        obj=contact,
        summary=f"Support contact ({contact.get_method_display().lower()})",
        kind=TimelineKind.CONTACT,
        occurred_at=happened_at(contact.contacted_on),
    )
    return contact


# Employers, opportunities, applications and mentors


@transaction.atomic
def employer_add(*, actor, **fields: Any) -> Employer:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    employer = Employer(**fields)
    employer.full_clean()
    employer.save()
    audit_record(actor=actor, action=Action.EMPLOYER_ADD, obj=employer)
    return employer


@transaction.atomic
def opportunity_add(*, actor, employer: Employer, **fields: Any) -> Opportunity:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    opportunity = Opportunity(employer=employer, **fields)
    opportunity.full_clean()
    opportunity.save()
    audit_record(actor=actor, action=Action.OPPORTUNITY_ADD, obj=opportunity)
    return opportunity


@transaction.atomic
def application_add(
    *, actor, learner: Learner, opportunity: Opportunity, introduced_on: dt.date, notes: str = ""
) -> Application:
    """Introduce a learner to an opportunity; allowed while still in custody."""
    access_for(actor).require(Capability.CHANGE_LEARNER)
    # Read it again: it may have closed since the form was shown.
    if not Opportunity.objects.get(pk=opportunity.pk).is_open():
        raise ValidationError({"opportunity": "This opportunity is closed: choose an open one"})
    application = Application(
        learner=learner,
        opportunity=opportunity,
        introduced_on=introduced_on,
        notes=notes,
        created_by=actor,
    )
    application.full_clean()
    application.save()
    change_record(
        actor=actor,
        action=Action.APPLICATION_ADD,
        learner=learner,
        obj=application,
        summary=f"Introduced to {opportunity.role} at {opportunity.employer.name}",
        kind=TimelineKind.APPLICATION,
    )
    return application


@transaction.atomic
def application_move(*, actor, application: Application, status: str, on: dt.date) -> Application:
    """Move an application along APPLICATION_TRANSITIONS, keeping the date."""
    access_for(actor).require(Capability.CHANGE_LEARNER)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.can_move_to(status):
        raise ValidationError(
            f"An application at '{application.get_status_display()}' cannot move to '{status}'."
        )
    before = application.status
    application.status = status
    setattr(application, APPLICATION_DATE_FIELDS[status], on)
    application.full_clean()
    application.save()
    change_record(
        actor=actor,
        action=Action.APPLICATION_MOVE,
        learner=application.learner,
        obj=application,
        summary=f"{application.opportunity.role} at {application.opportunity.employer.name}: "
        f"{application.get_status_display().lower()}",
        kind=TimelineKind.APPLICATION,
        detail={"from": before, "to": status},
    )
    return application


def _application_locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("learner", "opportunity__employer")
        .get(pk=application.pk)
    )


def _application_name(application: Application) -> str:
    return f"{application.opportunity.role} at {application.opportunity.employer.name}"


@transaction.atomic
def application_update(
    *, actor, application: Application, status: str, on: dt.date | None, notes: str
) -> Application:
    """Change the notes and, along APPLICATION_TRANSITIONS (closing aside), the
    stage. One audit event and one timeline entry for the learner."""
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    application = _application_locked(application)
    before = application.status
    moved = status != before
    if moved:
        if status in APPLICATION_CLOSED_STATUSES:
            raise ValidationError({"status": "Use Close to end an application"})
        if not application.can_move_to(status):
            raise ValidationError(
                {
                    "status": f"An application at {application.get_status_display().lower()} "
                    f"cannot move to {ApplicationStatus(status).label.lower()}"
                }
            )
        if on is None:
            raise ValidationError({"on": "Enter the date of the new stage"})
        application.status = status
        setattr(application, APPLICATION_DATE_FIELDS[status], on)
    notes_changed = notes != application.notes
    if not moved and not notes_changed:
        return application
    application.notes = notes
    application.full_clean()
    application.save()
    what = (
        f"now {application.get_status_display().lower()}"
        + ("; notes changed" if notes_changed else "")
        if moved
        else "notes changed"
    )
    change_record(
        actor=actor,
        action=Action.APPLICATION_UPDATE,
        learner=application.learner,
        obj=application,
        summary=f"{_application_name(application)}: {what}",
        kind=TimelineKind.APPLICATION,
        detail={"from": before, "to": application.status, "notes_changed": notes_changed},
    )
    return application


@transaction.atomic
def application_close(
    *, actor, application: Application, status: str, on: dt.date, reason: str = ""
) -> Application:
    """End an open application as unsuccessful or withdrawn."""
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    application = _application_locked(application)
    if status not in APPLICATION_CLOSED_STATUSES:
        raise ValidationError({"status": "Choose unsuccessful or withdrawn"})
    if not application.can_move_to(status):
        raise ValidationError(
            f"An application at {application.get_status_display().lower()} cannot be closed"
        )
    before = application.status
    application.status = status
    application.closed_on = on
    application.full_clean()
    application.save(update_fields=["status", "closed_on"])
    reason = reason.strip()
    change_record(
        actor=actor,
        action=Action.APPLICATION_CLOSE,
        learner=application.learner,
        obj=application,
        summary=f"{_application_name(application)}: closed as "
        f"{application.get_status_display().lower()}" + (f" ({reason})" if reason else ""),
        kind=TimelineKind.APPLICATION,
        detail={"from": before, "to": status},
    )
    return application


@transaction.atomic
def application_reopen(*, actor, application: Application, reason: str) -> Application:
    """Take a closed application back to the furthest stage it had reached."""
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    application = _application_locked(application)
    if not application.is_closed:
        raise ValidationError("Only a closed application can be reopened")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the application is reopened"})
    before = application.status
    application.status = application.reopen_status()
    application.closed_on = None
    application.full_clean()
    application.save(update_fields=["status", "closed_on"])
    change_record(
        actor=actor,
        action=Action.APPLICATION_REOPEN,
        learner=application.learner,
        obj=application,
        summary=f"{_application_name(application)}: reopened at "
        f"{application.get_status_display().lower()} ({reason})",
        kind=TimelineKind.APPLICATION,
        detail={"from": before, "to": application.status},
    )
    return application


@transaction.atomic
def mentor_add(*, actor, **fields: Any) -> Mentor:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    mentor = Mentor(**fields)
    mentor.full_clean()
    mentor.save()
    audit_record(actor=actor, action=Action.MENTOR_ADD, obj=mentor)
    return mentor


@transaction.atomic
def mentor_match_add(*, actor, learner: Learner, mentor: Mentor, **fields: Any) -> MentorMatch:
    access_for(actor).require(Capability.CHANGE_LEARNER)
    if mentor.paused_on is not None:
        raise ValidationError({"mentor": f"{mentor.name} is paused and takes no new matches"})
    graduate = learner.course_status == CourseStatus.GRADUATED
    reason = "" if graduate else (fields.get("non_graduate_reason") or "").strip()
    if not graduate and not reason:
        raise ValidationError(
            {
                "non_graduate_reason": "Mentors are matched with graduates: give the reason "
                "for matching a learner who has not graduated"
            }
        )
    fields["non_graduate_reason"] = reason
    match = MentorMatch(learner=learner, mentor=mentor, created_by=actor, **fields)
    match.full_clean()
    match.save()
    change_record(
        actor=actor,
        action=Action.MENTOR_MATCH,
        learner=learner,
        obj=match,
        summary=f"Matched with mentor {mentor.name}",
        kind=TimelineKind.MENTOR,
    )
    return match


@transaction.atomic
def mentor_match_end(*, actor, match: MentorMatch, ended_on: dt.date) -> MentorMatch:
    access_for(actor).require(Capability.CHANGE_LEARNER)
    match.ended_on = ended_on
    match.full_clean()
    match.save(update_fields=["ended_on"])
    change_record(
        actor=actor,
        action=Action.MENTOR_MATCH_END,
        learner=match.learner,
        obj=match,
        summary=f"Mentoring with {match.mentor.name} ended",
        kind=TimelineKind.MENTOR,
    )
    return match


# Employment lifecycle: edit employers, opportunities and mentors; close and
# reopen opportunities; pause and resume mentors.


@transaction.atomic
def employer_update(*, actor, employer: Employer, **fields: Any) -> Employer:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    changed = sorted(name for name, value in fields.items() if getattr(employer, name) != value)
    for name, value in fields.items():
        setattr(employer, name, value)
    employer.full_clean()
    employer.save()
    audit_record(
        actor=actor, action=Action.EMPLOYER_UPDATE, obj=employer, detail={"fields": changed}
    )
    return employer


@transaction.atomic
def opportunity_update(*, actor, opportunity: Opportunity, **fields: Any) -> Opportunity:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    changed = sorted(name for name, value in fields.items() if getattr(opportunity, name) != value)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.full_clean()
    opportunity.save()
    audit_record(
        actor=actor,
        action=Action.OPPORTUNITY_UPDATE,
        obj=opportunity,
        detail={"fields": changed},
    )
    return opportunity


_OPEN_APPLICATION_STATUSES = [status for status, moves in APPLICATION_TRANSITIONS.items() if moves]


def _opportunity_timeline(*, actor, opportunity: Opportunity, summary: str) -> int:
    """A timeline entry for every learner with an open application to the
    opportunity, so the change shows in each learner's history."""
    applications = (
        Application.objects.filter(opportunity=opportunity, status__in=_OPEN_APPLICATION_STATUSES)
        .select_related("learner")
        .order_by("pk")
    )
    count = 0
    for application in applications:
        timeline_record(
            learner=application.learner,
            kind=TimelineKind.APPLICATION,
            summary=summary,
            actor=actor,
            obj=application,
        )
        count += 1
    return count


@transaction.atomic
def opportunity_close(*, actor, opportunity: Opportunity, on: dt.date | None = None) -> Opportunity:
    """No new introductions. Applications already made carry on."""
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    opportunity = (
        Opportunity.objects.select_for_update().select_related("employer").get(pk=opportunity.pk)
    )
    if opportunity.closed_on is not None:
        raise ValidationError(f"{opportunity.role} is already closed")
    opportunity.closed_on = on or timezone.localdate()
    opportunity.full_clean()
    opportunity.save(update_fields=["closed_on"])
    learners = _opportunity_timeline(
        actor=actor,
        opportunity=opportunity,
        summary=f"{opportunity.role} at {opportunity.employer.name}: opportunity closed",
    )
    audit_record(
        actor=actor,
        action=Action.OPPORTUNITY_CLOSE,
        obj=opportunity,
        detail={"learners_told": learners},
    )
    return opportunity


@transaction.atomic
def opportunity_reopen(
    *, actor, opportunity: Opportunity, closing_on: dt.date | None = None
) -> Opportunity:
    """Open again, with a new closing date (or none)."""
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    opportunity = (
        Opportunity.objects.select_for_update().select_related("employer").get(pk=opportunity.pk)
    )
    if opportunity.is_open():
        raise ValidationError(f"{opportunity.role} is already open")
    if closing_on is not None and closing_on < timezone.localdate():
        raise ValidationError({"closing_on": "The new closing date must be today or later"})
    opportunity.closed_on = None
    opportunity.closing_on = closing_on
    opportunity.full_clean()
    opportunity.save(update_fields=["closed_on", "closing_on"])
    learners = _opportunity_timeline(
        actor=actor,
        opportunity=opportunity,
        summary=f"{opportunity.role} at {opportunity.employer.name}: opportunity reopened",
    )
    audit_record(
        actor=actor,
        action=Action.OPPORTUNITY_REOPEN,
        obj=opportunity,
        detail={"learners_told": learners},
    )
    return opportunity


@transaction.atomic
def mentor_update(*, actor, mentor: Mentor, **fields: Any) -> Mentor:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    changed = sorted(name for name, value in fields.items() if getattr(mentor, name) != value)
    for name, value in fields.items():
        setattr(mentor, name, value)
    mentor.full_clean()
    mentor.save()
    audit_record(actor=actor, action=Action.MENTOR_UPDATE, obj=mentor, detail={"fields": changed})
    return mentor


@transaction.atomic
def mentor_pause(*, actor, mentor: Mentor) -> Mentor:
    """A paused mentor keeps their current matches and is offered for no new ones."""
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if mentor.paused_on is not None:
        raise ValidationError(f"{mentor.name} is already paused")
    mentor.paused_on = timezone.localdate()
    mentor.save(update_fields=["paused_on"])
    audit_record(actor=actor, action=Action.MENTOR_PAUSE, obj=mentor)
    return mentor


@transaction.atomic
def mentor_resume(*, actor, mentor: Mentor) -> Mentor:
    access_for(actor).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if mentor.paused_on is None:
        raise ValidationError(f"{mentor.name} is not paused")
    mentor.paused_on = None
    mentor.save(update_fields=["paused_on"])
    audit_record(actor=actor, action=Action.MENTOR_RESUME, obj=mentor)
    return mentor
