"""Reports: the directors' dashboard, partner report PDFs, the learner progress
PDF and the CSV exports. Each view: gate -> form -> service/figures -> response,
with exactly one audit event per request that shows or exports anything."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Capability, access_for
from audit.services import audit_parameters
from learners.forms import CaseloadFilterForm
from learners.selectors import learner_for_user
from reports.csv_export import caseload_rows, csv_response, impact_rows
from reports.figures import impact_figures
from reports.forms import PartnerReportForm, ReportParametersForm, default_period
from reports.impact_charts import impact_charts
from reports.models import PublishedKind, RunStatus
from reports.pdf import render_pdf
from reports.progress_report import learner_progress_context
from reports.selectors import (
    caseload_export_for_user,
    report_run_for_user,
    report_runs_for_user,
    run_background_state,
)
from reports.services import (
    dashboard_figures,
    figures_release,
    partner_report_regenerate,
    partner_report_request,
    report_audit,
)

PARAMETER_KEYS = ("period_start", "period_end", "prisons")
RUNS_PER_PAGE = 25


def _parameters_form(request: HttpRequest) -> ReportParametersForm:
    """Bound to the query string when it has parameters, else to the defaults:
    the last twelve months and every prison the user covers."""
    if any(key in request.GET for key in PARAMETER_KEYS):
        return ReportParametersForm(request.GET, user=request.user)
    start, end = default_period()
    form = ReportParametersForm(user=request.user)
    data = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "prisons": [str(prison.pk) for prison in form.fields["prisons"].queryset],
    }
    return ReportParametersForm(data, user=request.user)


def _detail(form) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "period_start": data["period_start"].isoformat(),
        "period_end": data["period_end"].isoformat(),
        "prisons": sorted(p.code for p in data["prisons"]),
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Capability.VIEW_REPORTS)
    can_make_reports = access.can(Capability.MAKE_REPORTS)
    # Directors may see the exact figures on screen; anything that leaves the
    # organisation, and every other reader, gets the released ones.
    exact = can_make_reports and request.GET.get("figures") == "exact"
    form = _parameters_form(request)
    figures = charts = None
    if form.is_valid():
        data = form.cleaned_data
        figures = dashboard_figures(
            period_start=data["period_start"],
            period_end=data["period_end"],
            prisons=data["prisons"],
            exact=exact,
        )
        charts = impact_charts(figures)
        detail = _detail(form) | ({"exact_figures": True} if exact else {})
        report_audit(actor=request.user, action="report.dashboard.view", detail=detail)
    parameters = request.GET.copy()
    parameters.pop("figures", None)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "charts": charts,
            "query": parameters.urlencode(),
            "can_make_reports": can_make_reports,
        },
        status=200 if form.is_valid() else 400,
    )


@require_GET
def impact_csv(request: HttpRequest) -> HttpResponse:
    access_for(request.user).require(Capability.MAKE_REPORTS)
    form = _parameters_form(request)
    if not form.is_valid():
        return render(
            request,
            "reports/dashboard.html",
            {"form": form, "figures": None, "charts": None, "can_make_reports": True},
            status=400,
        )
    data = form.cleaned_data
    figures = figures_release(
        figures=impact_figures(
            period_start=data["period_start"],
            period_end=data["period_end"],
            prisons=data["prisons"],
        ),
        kind=PublishedKind.IMPACT_CSV,
        actor=request.user,
    )
    report_audit(actor=request.user, action="report.impact_csv", detail=_detail(form))
    return csv_response(
        impact_rows(figures),
        f"code4000-impact-{data['period_start']:%Y%m%d}-{data['period_end']:%Y%m%d}.csv",
    )


@require_GET
def caseload_csv(request: HttpRequest) -> HttpResponse:
    # The same filters and order as the caseload page the link is on.
    form = CaseloadFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if request.GET else {}
    learners, count = caseload_export_for_user(request.user, **filters)
    report_audit(
        actor=request.user,
        action="learners.caseload_csv",
        detail={
            "learners": count,
            # Ids and choices only: a search is recorded as "used", never its text.
            "filters": audit_parameters(form) if request.GET else {},
        },
    )
    return csv_response(caseload_rows(learners), f"caseload-{timezone.localdate():%Y%m%d}.csv")


@require_http_methods(["GET", "POST"])
def partner_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    runs = report_runs_for_user(request.user)
    form = None
    if access.can(Capability.MAKE_REPORTS):
        if request.method == "POST":
            form = PartnerReportForm(request.POST, user=request.user)
            if form.is_valid():
                data = form.cleaned_data
                run, created = partner_report_request(
                    actor=request.user,
                    partner=data["partner"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    prisons=data["prisons"],
                )
                if not created:
                    messages.info(
                        request,
                        "A report with these choices already exists: here it is. "
                        "Use 'Make it again' to refresh it from today's records.",
                    )
                return redirect("reports:partner_detail", run_id=run.pk)
        else:
            start, end = default_period()
            form = PartnerReportForm(
                user=request.user, initial={"period_start": start, "period_end": end}
            )
    elif request.method == "POST":
        access.require(Capability.MAKE_REPORTS)
    return render(
        request,
        "reports/partner_list.html",
        {"form": form, "page": Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))},
        status=400 if form is not None and form.is_bound else 200,
    )


@require_GET
def partner_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = report_run_for_user(request.user, run_id)
    return render(
        request,
        "reports/partner_detail.html",
        {
            "run": run,
            "can_make_reports": access_for(request.user).can(Capability.MAKE_REPORTS),
            "background": run_background_state(run),
        },
    )


@require_POST
def partner_regenerate(request: HttpRequest, run_id: int) -> HttpResponse:
    access_for(request.user).require(Capability.MAKE_REPORTS)
    run = report_run_for_user(request.user, run_id)
    if partner_report_regenerate(actor=request.user, run=run):
        messages.success(request, "The report is being made again from today's records.")
    else:
        messages.info(request, "The report is still being made: wait for it to finish.")
    return redirect("reports:partner_detail", run_id=run.pk)


@require_GET
def partner_download(request: HttpRequest, run_id: int) -> HttpResponse:
    run = report_run_for_user(request.user, run_id)
    if run.status != RunStatus.DONE or not run.file:
        raise Http404("This report is not ready.")
    report_audit(
        actor=request.user,
        action="report.partner.download",
        obj=run,
        detail={"partner": run.partner, "run": run.pk},
    )
    return FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.download_name,
        content_type="application/pdf",
    )


@require_GET
def learner_progress_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_for_user(request.user, pk, capability=Capability.VIEW_LEARNER_RECORD)
    pdf = render_pdf("reports/pdf/learner_progress.html", learner_progress_context(learner))
    report_audit(
        actor=request.user,
        action="learner.progress_pdf",
        obj=learner,
        learner_id=learner.pk,
        detail={"bytes": len(pdf)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="progress-report-{learner.prison_number}.pdf"'
    )
    return response
