"""Reads of resettlement records. Every function that takes a user is a gate: it
starts from `learners.selectors.learner_for_user` / `learner_list_for_user`, so a
learner at another prison (or, for OMU staff, one without a standing sharing
consent) is a 404, and a role without the capability a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.models import Role
from learners.models import Consent, ConsentKind, Learner
from learners.selectors import learner_for_user, learner_list_for_user, sharing_consent_standing
from resettlement.models import (
    ActionUpdate,
    Application,
    Employer,
    FollowUp,
    Mentor,
    MentorMatch,
    Opportunity,
    Outcome,
    PlanAction,
    PlanPathway,
    PlanShareLog,
    Release,
    ResettlementPlan,
    SelfReport,
    SupportContact,
)


def standing_sharing_consent(learner: Learner) -> Consent | None:
    return (
        Consent.objects.filter(
            learner=learner, kind=ConsentKind.SHARE_WITH_OMU, withdrawn_on__isnull=True
        )
        .order_by("-given_on", "-pk")
        .first()
    )


def plan_learner_for_user(user, pk: int) -> Learner:
    """The learner whose plan `user` may see (OMU: own prison, consent standing)."""
    return learner_for_user(user, pk, capability=Capability.VIEW_RESETTLEMENT_PLAN)


def plan_learner_for_change(user, pk: int, capability: Capability) -> Learner:
    """As `plan_learner_for_user`, then 403 unless the role may make the change."""
    learner = plan_learner_for_user(user, pk)
    access_for(user).require(capability)
    return learner


def record_learner_for_user(user, pk: int, *, change: bool = False) -> Learner:
    """A learner for the release, support, outcome, job and mentor pages: never OMU."""
    learner = learner_for_user(user, pk, capability=Capability.VIEW_LEARNER_RECORD)
    if change:
        access_for(user).require(Capability.CHANGE_LEARNER)
    return learner


def plan_for_learner(learner: Learner) -> ResettlementPlan | None:
    """The plan with its pathways, actions, updates and comments, in few queries."""
    return (
        ResettlementPlan.objects.filter(learner=learner)
        .prefetch_related(
            Prefetch(
                "pathways",
                queryset=PlanPathway.objects.order_by("pk").prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=PlanAction.objects.prefetch_related(
                            Prefetch(
                                "updates", queryset=ActionUpdate.objects.select_related("author")
                            )
                        ),
                    )
                ),
            ),
            "comments__author",
        )
        .first()
    )


def pathway_for_learner(learner: Learner, pathway: str) -> PlanPathway:
    try:
        return PlanPathway.objects.select_related("plan").get(
            plan__learner=learner, pathway=pathway
        )
    except PlanPathway.DoesNotExist as exc:
        raise Http404("No such pathway.") from exc


def action_for_learner(learner: Learner, action_pk: int) -> PlanAction:
    try:
        return PlanAction.objects.select_related("pathway__plan").get(
            pathway__plan__learner=learner, pk=action_pk
        )
    except (PlanAction.DoesNotExist, ValueError) as exc:
        raise Http404("No such action.") from exc


def action_for_update(user, learner: Learner, action_pk: int) -> PlanAction:
    """An action `user` may add an update to: OMU staff only those the prison owns."""
    action = action_for_learner(learner, action_pk)
    if access_for(user).role == Role.OMU and not action.owned_by_prison:
        raise PermissionDenied("OMU staff can only update actions the prison owns.")
    return action


def share_log_for_user(user, learner: Learner) -> QuerySet[PlanShareLog] | None:
    """The OMU share log, for roles that may see restricted records (RMs, directors,
    administrators); None for everybody else."""
    access = access_for(user)
    if not access.sees_restricted:
        return None
    return (
        PlanShareLog.objects.visible_to(access)
        .filter(learner=learner)
        .select_related("user", "prison", "consent")
    )


def shared_plans_for_user(user) -> QuerySet[Learner]:
    """Learners at the user's prisons whose plan is shared with the OMU (a standing
    consent and a plan), releases soonest first."""
    return (
        learner_list_for_user(user, capability=Capability.VIEW_RESETTLEMENT_PLAN)
        .filter(sharing_consent_standing(), resettlement_plan__isnull=False)
        .annotate(
            open_prison_actions=Count(
                "resettlement_plan__pathways__actions",
                filter=Q(
                    resettlement_plan__pathways__actions__owner_organisation="prison",
                    resettlement_plan__pathways__actions__status__in=["not_started", "in_progress"],
                ),
            )
        )
        .order_by(F("expected_release_on").asc(nulls_last=True), "last_name", "pk")
    )


# Release and after


def releases_for_learner(learner: Learner) -> list[Release]:
    waiting = SelfReport.objects.filter(follow_up=OuterRef("pk"), confirmed_at__isnull=True)
    return list(
        Release.objects.filter(learner=learner).prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.annotate(
                    self_report_waiting=Exists(waiting)
                ).prefetch_related(Prefetch("outcomes", queryset=Outcome.objects.order_by("kind"))),
            )
        )
    )


def latest_release(learner: Learner) -> Release | None:
    return Release.objects.filter(learner=learner).first()


def follow_up_for_learner(learner: Learner, pk: int) -> FollowUp:
    try:
        return FollowUp.objects.select_related("release").get(learner=learner, pk=pk)
    except (FollowUp.DoesNotExist, ValueError) as exc:
        raise Http404("No such follow-up.") from exc


def self_report_of(follow_up: FollowUp) -> SelfReport | None:
    """What the learner reported for this follow-up through their link, if anything."""
    return SelfReport.objects.filter(follow_up=follow_up).first()


def self_reports_to_confirm_for_user(user) -> QuerySet[SelfReport]:
    """Outcomes learners reported themselves, waiting for a regional manager at
    the user's prisons to confirm or correct them."""
    access_for(user).require(Capability.CHANGE_LEARNER)
    learners = learner_list_for_user(user, capability=Capability.VIEW_LEARNER_RECORD)
    return (
        SelfReport.objects.filter(
            learner__in=learners.values("pk"),
            confirmed_at__isnull=True,
            follow_up__confirmed_on__isnull=True,
        )
        .select_related("learner", "follow_up")
        .order_by("received_at", "pk")
    )


def outcomes_of(follow_up: FollowUp) -> list[Outcome]:
    return list(Outcome.objects.filter(follow_up=follow_up).order_by("kind"))


def contacts_for_learner(learner: Learner) -> QuerySet[SupportContact]:
    return SupportContact.objects.filter(learner=learner).select_related("recorded_by")


def applications_for_learner(learner: Learner) -> QuerySet[Application]:
    return Application.objects.filter(learner=learner).select_related("opportunity__employer")


def application_for_learner(learner: Learner, pk: int) -> Application:
    try:
        return applications_for_learner(learner).get(pk=pk)
    except (Application.DoesNotExist, ValueError) as exc:
        raise Http404("No such application.") from exc


def matches_for_learner(learner: Learner) -> QuerySet[MentorMatch]:
    return MentorMatch.objects.filter(learner=learner).select_related("mentor")


def match_for_learner(learner: Learner, pk: int) -> MentorMatch:
    try:
        return matches_for_learner(learner).get(pk=pk)
    except (MentorMatch.DoesNotExist, ValueError) as exc:
        raise Http404("No such mentor match.") from exc


def overdue_follow_ups_for_user(user) -> QuerySet[FollowUp]:
    """Follow-ups past their due date and not yet recorded, at the user's prisons."""
    learners = learner_list_for_user(user, capability=Capability.VIEW_LEARNER_RECORD)
    return (
        FollowUp.objects.filter(
            learner__in=learners.values("pk"),
            confirmed_on__isnull=True,
            due_on__lt=timezone.localdate(),
        )
        .select_related("learner")
        .order_by("due_on", "pk")
    )


# Employers, opportunities and mentors (not learner data: every Code4000 role)


def _require_directory(user) -> None:
    access_for(user).require(Capability.VIEW_LEARNER_RECORD)


def employers_for_user(user) -> QuerySet[Employer]:
    _require_directory(user)
    return Employer.objects.prefetch_related(
        Prefetch(
            "opportunities",
            queryset=Opportunity.objects.annotate(application_count=Count("applications")),
        )
    )


def employer_for_user(user, pk: int) -> Employer:
    _require_directory(user)
    try:
        return Employer.objects.get(pk=pk)
    except (Employer.DoesNotExist, ValueError) as exc:
        raise Http404("No such employer.") from exc


def open_opportunities() -> QuerySet[Opportunity]:
    today = timezone.localdate()
    return Opportunity.objects.select_related("employer").filter(
        Q(closing_on__isnull=True) | Q(closing_on__gte=today), closed_on__isnull=True
    )


def mentors_for_user(user) -> QuerySet[Mentor]:
    _require_directory(user)
    today = timezone.localdate()
    return Mentor.objects.annotate(
        current_matches=Count(
            "matches", filter=Q(matches__ended_on__isnull=True) | Q(matches__ended_on__gte=today)
        )
    ).order_by("name", "pk")


def opportunity_for_user(user, pk: int) -> Opportunity:
    _require_directory(user)
    try:
        return Opportunity.objects.select_related("employer").get(pk=pk)
    except (Opportunity.DoesNotExist, ValueError) as exc:
        raise Http404("No such opportunity.") from exc


def mentor_for_user(user, pk: int) -> Mentor:
    _require_directory(user)
    try:
        return Mentor.objects.get(pk=pk)
    except (Mentor.DoesNotExist, ValueError) as exc:
        raise Http404("No such mentor.") from exc


def mentors_taking_matches() -> QuerySet[Mentor]:
    return Mentor.objects.filter(paused_on__isnull=True).order_by("name", "pk")
