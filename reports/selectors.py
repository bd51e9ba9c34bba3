"""Reads for reports. Each `*_for_user` is a gate: it checks the role's capability
(403) and hides what the user may not see (404)."""

import datetime as dt

from django.db.models import Case, DateField, F, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.models import Prison
from learners.models import CourseStatus, Learner, StatusChange, StatusField
from learners.selectors import caseload_for_user
from notifications.models import OutboxMessage
from reports.models import (
    CaseStudy,
    CaseStudyStatus,
    JusticeDataLabExport,
    JusticeDataLabResult,
    ReportRun,
    RunStatus,
)
from resettlement.models import ActionOwner, ActionStatus, LearnerLink, LinkPurpose, PlanAction
from resettlement.self_reports import open_link


def report_runs_for_user(user) -> QuerySet[ReportRun]:
    """Partner report runs covering only prisons the user covers."""
    access = access_for(user)
    access.require(Capability.VIEW_REPORTS)
    runs = ReportRun.objects.select_related("requested_by").prefetch_related("prisons")
    if not access.all_prisons:
        outside = Prison.objects.exclude(access.prison_q("pk"))
        runs = runs.exclude(prisons__in=outside)
    return runs


def report_run_for_user(user, run_id: int) -> ReportRun:
    try:
        return report_runs_for_user(user).get(pk=run_id)
    except ReportRun.DoesNotExist as exc:
        raise Http404("No report found.") from exc


RENDER_TASK = "reports.tasks.report_render_task"
NOT_STARTED_AFTER = dt.timedelta(minutes=2)


def run_background_state(run: ReportRun) -> str:
    """Why a queued report has not started: "unavailable" when its task still
    waits in the outbox (the background service's broker is not answering),
    "slow" when it was handed over but no worker has started it for a while,
    "" otherwise. One query, only for a queued run."""
    if run.status != RunStatus.QUEUED:
        return ""
    if OutboxMessage.objects.filter(
        task_name=RENDER_TASK, args=[run.pk], dispatched_at__isnull=True
    ).exists():
        return "unavailable"
    if run.requested_at < timezone.now() - NOT_STARTED_AFTER:
        return "slow"
    return ""


def caseload_export_for_user(user, **filters) -> tuple[QuerySet[Learner], int]:
    """The caseload CSV's learners (the caseload page's filters and order, less
    anonymised records) and how many there are."""
    learners = caseload_for_user(user, **filters).filter(anonymised_at__isnull=True)
    return learners, learners.count()


# Pages for learners themselves (issue 18). The gate is the session a link
# opened after the date of birth matched: it names one learner and one link, and
# ends LEARNER_SESSION_SECONDS after it began.

OWN_SESSION_KEY = "own_pages"


def own_session(session) -> dict | None:
    state = session.get(OWN_SESSION_KEY)
    if not isinstance(state, dict):
        return None
    if state.get("until", 0) < timezone.now().timestamp():
        return None
    return state


def own_learner_for_session(session) -> Learner:
    """The learner whose link opened this session; Http404 for any other visitor
    (no session, an ended one, or a learner since anonymised)."""
    state = own_session(session)
    if state is None:
        raise Http404("No learner session.")
    learner = (
        Learner.objects.select_related("prison")
        .filter(pk=state.get("learner"), anonymised_at__isnull=True)
        .first()
    )
    if learner is None:
        raise Http404("No learner session.")
    return learner


def own_self_report_link_for_session(session) -> LearnerLink:
    """The self-report link this session was opened with, while it can still take
    answers (not used, not expired); Http404 otherwise."""
    state = own_session(session)
    link = open_link(state.get("link")) if state else None
    if link is None or link.purpose != LinkPurpose.SELF_REPORT:
        raise Http404("No self-report link.")
    return link


def own_actions(learner: Learner) -> list[PlanAction]:
    """The resettlement actions the learner owns, with their status."""
    return list(
        PlanAction.objects.filter(
            pathway__plan__learner=learner, owner_organisation=ActionOwner.LEARNER
        )
        .exclude(status=ActionStatus.CANCELLED)
        .select_related("pathway")
        .order_by("due_on", "pk")
    )


# --- Case studies -------------------------------------------------------------------


def case_studies_for_user(user) -> QuerySet[CaseStudy]:
    """Case studies of learners at the user's prisons: for their authors (regional
    managers, who may change learners) and directors (who approve them); 403 for
    every other role."""
    access = access_for(user)
    if not (access.can(Capability.CHANGE_LEARNER) or access.can(Capability.MAKE_REPORTS)):
        access.require(Capability.MAKE_REPORTS)
    return CaseStudy.objects.select_related("learner", "author").filter(
        access.prison_q("learner__prison")
    )


def case_study_for_user(user, pk: int) -> CaseStudy:
    try:
        return case_studies_for_user(user).get(pk=pk)
    except (CaseStudy.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No case study found.") from exc


def approved_case_study_for_user(user, pk: int) -> CaseStudy:
    """Only an approved study may be exported."""
    study = case_study_for_user(user, pk)
    if study.status != CaseStudyStatus.APPROVED:
        raise Http404("This case study is not approved.")
    return study


# --- The Justice Data Lab -------------------------------------------------------------


def justice_data_lab_cohort_for_user(
    user, *, period_start: dt.date, period_end: dt.date
) -> QuerySet[Learner]:
    """The people who started on the course in the period (directors only), each with
    `involvement_ended_on`: graduation, or the day the course was withdrawn from, or
    none while they are still taking part. Anonymised records are left out: the Lab
    cannot match them."""
    access = access_for(user)
    access.require(Capability.MAKE_REPORTS)
    withdrawn_on = (
        StatusChange.objects.filter(
            learner=OuterRef("pk"),
            field=StatusField.COURSE,
            to_status=CourseStatus.WITHDRAWN,
        )
        .order_by("-changed_at", "-pk")
        .annotate(day=TruncDate("changed_at"))
        .values("day")[:1]
    )
    return (
        Learner.objects.filter(
            access.prison_q(),
            joined_on__gte=period_start,
            joined_on__lte=period_end,
            anonymised_at__isnull=True,
        )
        .annotate(
            involvement_ended_on=Case(
                When(course_status=CourseStatus.GRADUATED, then=F("graduated_on")),
                When(course_status=CourseStatus.WITHDRAWN, then=Subquery(withdrawn_on)),
                default=None,
                output_field=DateField(),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def justice_data_lab_exports_for_user(user) -> QuerySet[JusticeDataLabExport]:
    access_for(user).require(Capability.MAKE_REPORTS)
    return JusticeDataLabExport.objects.select_related("made_by")


def justice_data_lab_latest_result(user) -> JusticeDataLabResult | None:
    """The most recent headline result (for the directors' dashboard)."""
    if not access_for(user).can(Capability.VIEW_REPORTS):
        return None
    return JusticeDataLabResult.objects.first()
