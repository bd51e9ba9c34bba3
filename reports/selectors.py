"""Reads for reports. Each `*_for_user` is a gate: it checks the role's capability
(403) and hides what the user may not see (404)."""

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.models import Prison
from learners.models import Learner
from learners.selectors import caseload_for_user
from notifications.models import OutboxMessage
from reports.models import CaseStudy, CaseStudyStatus, ReportRun, RunStatus


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
