"""Reads for reports. Each `*_for_user` is a gate: it checks the role's capability
(403) and hides what the user may not see (404)."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import Capability, access_for
from accounts.models import Prison
from learners.models import Learner
from learners.selectors import caseload_for_user
from reports.models import ReportRun


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


def caseload_export_for_user(user, **filters) -> tuple[QuerySet[Learner], int]:
    """The caseload CSV's learners (the caseload page's filters and order, less
    anonymised records) and how many there are."""
    learners = caseload_for_user(user, **filters).filter(anonymised_at__isnull=True)
    return learners, learners.count()
