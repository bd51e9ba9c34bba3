"""Reports: the directors' dashboard, partner report PDFs, the learner progress
PDF and the CSV exports. Each view: gate -> form -> service/figures -> response,
with exactly one audit event per request that shows or exports anything."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Capability, access_for
from audit.client_address import client_address
from audit.services import audit_parameters
from learners.forms import CaseloadFilterForm
from learners.selectors import learner_for_user
from reports import services as report_services
from reports.case_study_text import blocks, quote_choices, skills_chart
from reports.csv_export import caseload_rows, csv_response, impact_rows
from reports.figures import impact_figures
from reports.forms import (
    BirthDateForm,
    CaseStudyEditForm,
    CaseStudyReturnForm,
    CaseStudyStartForm,
    JusticeDataLabCohortForm,
    JusticeDataLabResultForm,
    PartnerReportForm,
    ReportParametersForm,
    SelfReportForm,
    default_period,
)
from reports.impact_charts import impact_charts
from reports.models import CaseStudyStatus, PublishedKind, RunStatus
from reports.pdf import render_pdf
from reports.progress_report import learner_progress_context
from reports.selectors import (
    OWN_SESSION_KEY,
    approved_case_study_for_user,
    case_studies_for_user,
    case_study_for_user,
    caseload_export_for_user,
    justice_data_lab_cohort_for_user,
    justice_data_lab_exports_for_user,
    justice_data_lab_latest_result,
    own_actions,
    own_learner_for_session,
    own_self_report_link_for_session,
    report_run_for_user,
    report_runs_for_user,
    run_background_state,
)
from reports.services import (
    NO_CASE_STUDY_CONSENT,
    CaseStudyRefused,
    CohortTooSmall,
    case_study_export_audit,
    case_study_findings,
    dashboard_figures,
    figures_release,
    has_case_study_consent,
    partner_report_regenerate,
    partner_report_request,
    report_audit,
)
from resettlement import self_reports
from resettlement.models import LinkPurpose

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
            "jdl_result": justice_data_lab_latest_result(request.user),
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


# Pages for learners themselves (issue 18): open to anybody with a link, and
# showing nothing until the date of birth matches. After that the session names
# the learner for LEARNER_SESSION_SECONDS; the token never appears again (the
# pages that follow have no token in their address, so it cannot leak through a
# Referer or the browser's history of later pages).

OWN_KINDS = self_reports.LEARNER_KINDS
LINK_REFUSED = (
    "We could not open this link with that date of birth. Check the date and try again. "
    "If it still does not work, the link may have expired or been used already: reply to "
    "the email you were sent and we will send a new one"
)
TOO_MANY = (
    "There have been too many attempts from this device. Wait an hour, then try again, "
    "or reply to the email you were sent"
)


def _own_render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"reports/own/{template}.html", context, status=status)
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    response["Referrer-Policy"] = "same-origin"
    return response


def _own_session_start(request, link) -> None:
    request.session.cycle_key()
    request.session[OWN_SESSION_KEY] = {
        "learner": link.learner_id,
        "link": link.pk,
        "until": timezone.now().timestamp() + settings.LEARNER_SESSION_SECONDS,
    }


@login_not_required
@require_http_methods(["GET", "POST"])
def own_start(request: HttpRequest, token: str) -> HttpResponse:
    """The page a link opens: the same for every token (known, unknown, expired or
    used) until a date of birth is sent, and the same answer for every refusal."""
    form = BirthDateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            link = self_reports.link_open(
                token=token,
                date_of_birth=form.cleaned_data["date_of_birth"],
                address=client_address(request),
            )
        except self_reports.TooManyAttempts:
            form.add_error(None, TOO_MANY)
            return _own_render(request, "start", {"form": form}, status=429)
        if link is not None:
            _own_session_start(request, link)
            if link.purpose == LinkPurpose.SELF_REPORT:
                return redirect("own:report")
            return redirect("own:progress")
        form.add_error(None, LINK_REFUSED)
    return _own_render(request, "start", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def own_report(request: HttpRequest) -> HttpResponse:
    link = own_self_report_link_for_session(request.session)
    form = SelfReportForm(request.POST if request.method == "POST" else None, kinds=OWN_KINDS)
    if request.method == "POST" and form.is_valid():
        try:
            self_reports.self_report_submit(
                link_id=link.pk,
                kinds=form.cleaned_data["kinds"],
                employer_or_course=form.cleaned_data["employer_or_course"],
                wants_support=form.cleaned_data["wants_support"] == "yes",
            )
        except self_reports.LinkUnusable as exc:
            raise Http404("No self-report link.") from exc
        return redirect("own:thanks")
    return _own_render(request, "report", {"form": form})


@login_not_required
@require_GET
def own_thanks(request: HttpRequest) -> HttpResponse:
    own_learner_for_session(request.session)
    return _own_render(request, "thanks", {})


@login_not_required
@require_GET
def own_progress(request: HttpRequest) -> HttpResponse:
    learner = own_learner_for_session(request.session)
    context = learner_progress_context(learner)
    self_reports.own_progress_audit(learner=learner, what="page")
    return _own_render(
        request,
        "progress",
        {
            "first_name": learner.preferred_name or learner.first_name,
            "graduated_on": learner.graduated_on,
            "completions": context["completions"],
            "progress": context["progress"],
            "skills_chart": context["skills_chart"],
            "actions": own_actions(learner),
        },
    )


@login_not_required
@require_GET
def own_progress_pdf(request: HttpRequest) -> HttpResponse:
    learner = own_learner_for_session(request.session)
    pdf = render_pdf("reports/pdf/learner_progress.html", learner_progress_context(learner))
    self_reports.own_progress_audit(learner=learner, what="pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-code4000-progress.pdf"'
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


@login_not_required
@require_GET
def own_ended(request: HttpRequest) -> HttpResponse:
    return _own_render(request, "ended", {})


# --- Case studies -------------------------------------------------------------------

CASE_STUDIES_PER_PAGE = 25


@require_GET
def case_study_list(request: HttpRequest) -> HttpResponse:
    studies = case_studies_for_user(request.user)
    return render(
        request,
        "reports/case_study_list.html",
        {
            "page": Paginator(studies, CASE_STUDIES_PER_PAGE).get_page(request.GET.get("page")),
            "can_approve": access_for(request.user).can(Capability.MAKE_REPORTS),
        },
    )


@require_http_methods(["GET", "POST"])
def case_study_start(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    consented = has_case_study_consent(learner)
    form = CaseStudyStartForm(
        request.POST if request.method == "POST" else None, quote_choices=quote_choices(learner)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if consented and form.is_valid():
            try:
                study = report_services.case_study_start(
                    actor=request.user,
                    learner=learner,
                    title=form.cleaned_data["title"],
                    quote_ids=form.cleaned_data.get("quotes", []),
                )
            except CaseStudyRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    "Case study started from the record. Check every line before "
                    "sending it for approval.",
                )
                return redirect("reports:case_study_detail", pk=study.pk)
    return render(
        request,
        "reports/case_study_start.html",
        {
            "learner": learner,
            "form": form,
            "consented": consented,
            "refusal": NO_CASE_STUDY_CONSENT,
        },
        status=status,
    )


def _case_study_page(request, study, *, return_form=None, status=200) -> HttpResponse:
    access = access_for(request.user)
    return render(
        request,
        "reports/case_study_detail.html",
        {
            "study": study,
            "blocks": blocks(study.body),
            "skills_chart": skills_chart(study.learner),
            "findings": case_study_findings(study),
            "consented": has_case_study_consent(study.learner),
            "can_edit": access.can(Capability.CHANGE_LEARNER) and study.is_editable,
            "can_decide": access.can(Capability.MAKE_REPORTS)
            and study.status == CaseStudyStatus.DRAFT,
            "return_form": return_form or CaseStudyReturnForm(),
        },
        status=status,
    )


@require_GET
def case_study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    study = case_study_for_user(request.user, pk)
    report_audit(
        actor=request.user,
        action="case_study.view",
        obj=study,
        learner_id=study.learner_id,
        detail={"status": study.status},
    )
    return _case_study_page(request, study)


@require_http_methods(["GET", "POST"])
def case_study_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access_for(request.user).require(Capability.CHANGE_LEARNER)
    study = case_study_for_user(request.user, pk)
    if not study.is_editable:
        messages.error(request, "An approved or withdrawn case study cannot be changed.")
        return redirect("reports:case_study_detail", pk=study.pk)
    form = CaseStudyEditForm(
        request.POST if request.method == "POST" else None,
        initial={"title": study.title, "body": study.body},
    )
    if request.method == "POST" and form.is_valid():
        report_services.case_study_edit(
            actor=request.user,
            study=study,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        messages.success(request, "Case study saved.")
        return redirect("reports:case_study_detail", pk=study.pk)
    return render(
        request,
        "reports/case_study_edit.html",
        {"study": study, "form": form, "findings": case_study_findings(study)},
        status=400 if form.is_bound else 200,
    )


@require_POST
def case_study_approve(request: HttpRequest, pk: int) -> HttpResponse:
    access_for(request.user).require(Capability.MAKE_REPORTS)
    study = case_study_for_user(request.user, pk)
    try:
        report_services.case_study_approve(actor=request.user, study=study)
    except CaseStudyRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Case study approved. It can now be downloaded.")
    return redirect("reports:case_study_detail", pk=study.pk)


@require_POST
def case_study_return(request: HttpRequest, pk: int) -> HttpResponse:
    access_for(request.user).require(Capability.MAKE_REPORTS)
    study = case_study_for_user(request.user, pk)
    form = CaseStudyReturnForm(request.POST)
    if form.is_valid():
        try:
            report_services.case_study_return(
                actor=request.user, study=study, note=form.cleaned_data["note"]
            )
        except CaseStudyRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Case study returned to its author with your note.")
        return redirect("reports:case_study_detail", pk=study.pk)
    return _case_study_page(request, study, return_form=form, status=400)


@require_GET
def case_study_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    study = approved_case_study_for_user(request.user, pk)
    pdf = render_pdf(
        "reports/pdf/case_study.html",
        {"study": study, "blocks": blocks(study.body), "skills_chart": skills_chart(study.learner)},
    )
    case_study_export_audit(actor=request.user, study=study, file_format="pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-study-{study.pk}.pdf"'
    return response


@require_GET
def case_study_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    study = approved_case_study_for_user(request.user, pk)
    case_study_export_audit(actor=request.user, study=study, file_format="markdown")
    response = HttpResponse(
        f"# {study.title}\n\n{study.body.strip()}\n", content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="case-study-{study.pk}.md"'
    return response


# --- The Justice Data Lab -------------------------------------------------------------

JDL_EXPORTS_SHOWN = 20


def _justice_data_lab_page(request, *, cohort_form=None, result_form=None, status=200):
    return render(
        request,
        "reports/justice_data_lab.html",
        {
            "cohort_form": cohort_form or JusticeDataLabCohortForm(),
            "result_form": result_form or JusticeDataLabResultForm(),
            "exports": justice_data_lab_exports_for_user(request.user)[:JDL_EXPORTS_SHOWN],
            "latest_result": justice_data_lab_latest_result(request.user),
            "minimum": settings.JUSTICE_DATA_LAB_MINIMUM_COHORT,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def justice_data_lab(request: HttpRequest) -> HttpResponse:
    """GET: the page; POST: the cohort export (a CSV), or the form with its errors."""
    access_for(request.user).require(Capability.MAKE_REPORTS)
    if request.method == "GET":
        return _justice_data_lab_page(request)
    form = JusticeDataLabCohortForm(request.POST)
    if form.is_valid():
        start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
        try:
            rows = report_services.justice_data_lab_export(
                actor=request.user,
                learners=justice_data_lab_cohort_for_user(
                    request.user, period_start=start, period_end=end
                ),
                period_start=start,
                period_end=end,
            )
        except CohortTooSmall as refused:
            form.add_error(None, str(refused))
        else:
            return csv_response(rows, f"justice-data-lab-cohort-{start:%Y%m%d}-{end:%Y%m%d}.csv")
    return _justice_data_lab_page(request, cohort_form=form, status=400)


@require_POST
def justice_data_lab_result(request: HttpRequest) -> HttpResponse:
    access_for(request.user).require(Capability.MAKE_REPORTS)
    form = JusticeDataLabResultForm(request.POST)
    if form.is_valid():
        report_services.justice_data_lab_result_record(actor=request.user, data=form.cleaned_data)
        messages.success(request, "The Lab's result is recorded and shown on the dashboard.")
        return redirect("reports:justice_data_lab")
    return _justice_data_lab_page(request, result_form=form, status=400)
