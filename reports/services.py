"""Writes for reports: asking for a partner report, making its PDF, releasing
figures that leave the organisation, and the audit events for every report, PDF
and export."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import Capability, access_for
from audit.actions import Action
from audit.services import audit_record
from learners.models import ConsentKind
from learners.timeline import change_record
from reports.case_study_text import Finding, draft_text, identifier_terms, identifiers_in
from reports.disclosure import FiguresShown, Published, figures_shown
from reports.figures import ImpactFigures, impact_figures
from reports.figures_store import figures_current, impact_figures_stored
from reports.impact_charts import impact_charts
from reports.models import (
    CaseStudy,
    CaseStudyStatus,
    JusticeDataLabExport,
    JusticeDataLabResult,
    Partner,
    PublishedKind,
    PublishedTable,
    ReportRun,
    RunStatus,
    params_key_for,
)
from reports.pdf import render_pdf

logger = logging.getLogger(__name__)


def _params(run: ReportRun) -> dict[str, object]:
    return {
        "partner": run.partner,
        "period_start": run.period_start.isoformat(),
        "period_end": run.period_end.isoformat(),
        "prisons": sorted(run.prisons.values_list("code", flat=True)),
    }


def _enqueue(run: ReportRun) -> None:
    from reports.tasks import report_render_task  # the task module imports this one

    # Through the outbox: the request succeeds even when the broker is down.
    report_render_task.delay_on_commit(run.pk)


@transaction.atomic
def partner_report_request(
    *, actor, partner: str, period_start: dt.date, period_end: dt.date, prisons
) -> tuple[ReportRun, bool]:
    """The run for these parameters, and whether it is new. Asking again for the
    same partner, period and prisons returns the existing run and makes nothing
    new (a failed run is queued again)."""
    prison_list = list(prisons)
    key = params_key_for(
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        prison_ids=[p.pk for p in prison_list],
    )
    run = ReportRun.objects.select_for_update().filter(params_key=key).first()
    created = run is None
    if created:
        run = ReportRun(
            partner=partner,
            period_start=period_start,
            period_end=period_end,
            params_key=key,
            requested_by=actor,
        )
        run.full_clean(exclude=["prisons", "file"])
        run.save()
        run.prisons.set(prison_list)
        _enqueue(run)
    elif run.status == RunStatus.FAILED:
        _reset(run, actor)
        _enqueue(run)
    audit_record(
        actor=actor,
        action="report.partner.request",
        obj=run,
        detail={**_params(run), "new": created},
    )
    return run, created


def _reset(run: ReportRun, actor) -> None:
    run.status = RunStatus.QUEUED
    run.progress = 0
    run.error = ""
    run.requested_by = actor
    run.requested_at = timezone.now()
    run.started_at = run.finished_at = None
    run.save()


@transaction.atomic
def partner_report_regenerate(*, actor, run: ReportRun) -> bool:
    """Make the PDF again from today's records, into the same file. Refused (False)
    while a run is still being made."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_finished:
        return False
    _reset(run, actor)
    _enqueue(run)
    audit_record(actor=actor, action="report.partner.regenerate", obj=run, detail=_params(run))
    return True


def _progress(run_id: int, percent: int) -> None:
    ReportRun.objects.filter(pk=run_id).update(progress=percent)


# Any constant: every release takes this lock, so two releases made at the same
# moment are checked one after the other, each against the other.
RELEASE_LOCK = 14_2026


def earlier_releases(prison_ids) -> list[Published]:
    """Every cell of every stored release that shares a prison with `prison_ids`,
    directly or through a chain of releases: a report for Humber, one for Humber
    and Risley, and one for Risley are linked even though the first and last share
    none. Their periods need not overlap: counts of "now" (active learners) are
    the same cell whatever the period."""
    prisons_of: dict[int, set[int]] = defaultdict(set)
    for table_id, prison_id in PublishedTable.prisons.through.objects.values_list(
        "publishedtable_id", "prison_id"
    ):
        prisons_of[table_id].add(prison_id)
    linked, tables = set(prison_ids), set()
    grown = True
    while grown:
        grown = False
        for table_id, prisons in prisons_of.items():
            if table_id not in tables and prisons & linked:
                tables.add(table_id)
                linked |= prisons
                grown = True
    rows = PublishedTable.objects.filter(pk__in=tables).values_list("cells", flat=True)
    return [Published.from_json(cell) for cells in rows for cell in cells]


DASHBOARD_CACHE_SECONDS = 24 * 60 * 60


def _dashboard_cache_key(*, exact: bool, period_start, period_end, prisons, current) -> str:
    """Everything the figures shown depend on: the parameters, each prison's
    figures version (it moves whenever the prison's records change) and name, and
    for released figures the newest stored release (releases are only ever added,
    and each may change what the guard withholds)."""
    parts = {
        "exact": exact,
        "start": period_start.isoformat(),
        "end": period_end.isoformat(),
        "prisons": [[p.pk, p.name, *current.get(p.pk, ())[::2]] for p in prisons],
    }
    if not exact:
        parts["released"] = PublishedTable.objects.aggregate(last=Max("pk"))["last"]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"reports:dashboard-figures:{digest}"


def dashboard_figures(
    *, period_start: dt.date, period_end: dt.date, prisons, exact: bool
) -> FiguresShown:
    """The dashboard's figures for `prisons` (already narrowed to the user's), from
    the stored figures (reports/figures_store.py). The figures shown, and the
    disclosure guard's work for released figures, are computed once per set of
    parameters and data version and kept in the cache: a change to any of the
    prisons' records, or a new release, gives a new key, so a kept result is never
    shown for data it was not worked out from."""
    prison_rows = sorted(prisons, key=lambda p: p.pk)
    current = figures_current([p.pk for p in prison_rows])
    key = _dashboard_cache_key(
        exact=exact,
        period_start=period_start,
        period_end=period_end,
        prisons=prison_rows,
        current=current,
    )
    try:
        kept = cache.get(key)
    except Exception:  # the cache is a convenience: without it, work the figures out
        logger.warning("Dashboard figures cache unavailable", exc_info=True)
        kept = None
    if kept is not None:
        return kept
    figures = impact_figures_stored(
        period_start=period_start, period_end=period_end, prisons=prison_rows, refresh=False
    )
    shown = figures_for_screen(figures, exact=exact)
    try:
        cache.set(key, shown, DASHBOARD_CACHE_SECONDS)
    except Exception:
        logger.warning("Dashboard figures cache unavailable", exc_info=True)
    return shown


def figures_for_screen(figures: ImpactFigures, *, exact: bool) -> FiguresShown:
    """The figures on a page inside the organisation: exact, or exactly what a
    download made now would show (nothing is stored)."""
    if exact:
        return figures_shown(figures, exact_figures=True)
    return figures_shown(figures, earlier=earlier_releases(p.pk for p in figures.prisons))


@transaction.atomic
def figures_release(
    *, figures: ImpactFigures, kind: str, actor=None, run: ReportRun | None = None
) -> FiguresShown:
    """The released figures for a download, PDF or email, checked against every
    earlier release and stored, so that the next release is checked against it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RELEASE_LOCK])
    prison_ids = [p.pk for p in figures.prisons]
    shown = figures_shown(figures, earlier=earlier_releases(prison_ids))
    table = PublishedTable(
        kind=kind,
        run=run,
        period_start=figures.period_start,
        period_end=figures.period_end,
        cells=[cell.as_json() for cell in shown.published],
        published_by=actor,
    )
    table.full_clean(exclude=["prisons"])
    table.save()
    table.prisons.set(prison_ids)
    return shown


def partner_report_context(run: ReportRun) -> dict[str, object]:
    """The released figures of a partner report (stored as released: the PDF
    made from them leaves the organisation)."""
    figures = impact_figures(
        period_start=run.period_start, period_end=run.period_end, prisons=run.prisons.all()
    )
    shown = figures_release(
        figures=figures, kind=PublishedKind.PARTNER_PDF, actor=run.requested_by, run=run
    )
    return {
        "run": run,
        "partner_name": Partner(run.partner).label,
        "figures": shown,
        "charts": impact_charts(shown),
        "generated_at": timezone.localtime(),
    }


def partner_report_render(*, run_id: int) -> None:
    """Claim a queued run, make its PDF and store it. Returns at once when the run
    is gone, already being made or already made, so a second delivery does nothing."""
    claimed = ReportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=5, started_at=timezone.now()
    )
    if not claimed:
        return
    run = ReportRun.objects.get(pk=run_id)
    try:
        context = partner_report_context(run)
        _progress(run_id, 50)
        pdf = render_pdf("reports/pdf/partner_report.html", context)
        _progress(run_id, 90)
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().get(pk=run_id)
            name = f"partner-report-{run.pk}.pdf"
            if run.file:
                run.file.delete(save=False)
            run.file.save(name, ContentFile(pdf), save=False)
            run.status = RunStatus.DONE
            run.progress = 100
            run.finished_at = timezone.now()
            run.save()
            audit_record(
                actor=None,
                actor_label="report task",
                action="report.partner.generate",
                obj=run,
                detail={**_params(run), "bytes": len(pdf)},
            )
    except Exception as exc:
        logger.exception("Partner report %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:300]
        )


def report_audit(*, actor, action: str, detail: dict, obj=None, learner_id=None) -> None:
    """The one audit event for a report seen, a file downloaded or an export made."""
    audit_record(actor=actor, action=action, obj=obj, learner_id=learner_id, detail=detail)


# --- Case studies -------------------------------------------------------------------


class CaseStudyRefused(Exception):
    """A case study that may not be started or moved on, with the reason in plain words."""


NO_CASE_STUDY_CONSENT = (
    "This learner has not given consent to be in a case study, so one cannot be started. "
    "Record the consent on their intake interview first, if they give it."
)
IDENTIFIERS_LEFT = "The case study still names or numbers something that identifies the learner."


def has_case_study_consent(learner) -> bool:
    return learner.consents.filter(kind=ConsentKind.CASE_STUDY, withdrawn_on__isnull=True).exists()


def _case_study_require(actor, capability: Capability, study_or_learner) -> None:
    access = access_for(actor)
    access.require(capability)
    learner = getattr(study_or_learner, "learner", study_or_learner)
    if not access.covers_prison(learner.prison_id):
        raise PermissionDenied("You do not cover that prison.")


def _case_study_move(study: CaseStudy, status: str) -> None:
    if not study.can_move_to(status):
        raise CaseStudyRefused(
            f"A case study that is {study.get_status_display().lower()} cannot be "
            f"{CaseStudyStatus(status).label.lower()}."
        )
    study.status = status


@transaction.atomic
def case_study_start(*, actor, learner, title: str, quote_ids: list[str]) -> CaseStudy:
    """A new draft for a consenting learner, prefilled from their record."""
    _case_study_require(actor, Capability.CHANGE_LEARNER, learner)
    if not has_case_study_consent(learner):
        raise CaseStudyRefused(NO_CASE_STUDY_CONSENT)
    now = timezone.now()
    study = CaseStudy(
        learner=learner,
        title=title,
        body=draft_text(learner, quote_ids=quote_ids, today=timezone.localdate()),
        author=actor,
        created_at=now,
        updated_at=now,
    )
    study.full_clean()
    study.save()
    change_record(
        actor=actor,
        action=Action.CASE_STUDY_START,
        learner=learner,
        obj=study,
        detail={"quotes": len(quote_ids)},
    )
    return study


@transaction.atomic
def case_study_edit(*, actor, study: CaseStudy, title: str, body: str) -> CaseStudy:
    """The author's changes; a returned study goes back to draft for the director."""
    _case_study_require(actor, Capability.CHANGE_LEARNER, study)
    study = CaseStudy.objects.select_for_update().get(pk=study.pk)
    if not study.is_editable:
        raise CaseStudyRefused(
            f"A case study that is {study.get_status_display().lower()} cannot be changed."
        )
    if study.status == CaseStudyStatus.RETURNED:
        _case_study_move(study, CaseStudyStatus.DRAFT)
    study.title, study.body, study.updated_at = title, body, timezone.now()
    study.full_clean()
    study.save()
    change_record(actor=actor, action=Action.CASE_STUDY_EDIT, learner=study.learner, obj=study)
    return study


def case_study_findings(study: CaseStudy) -> list[Finding]:
    terms = identifier_terms(study.learner)
    return identifiers_in(f"{study.title}\n{study.body}", terms)


@transaction.atomic
def case_study_approve(*, actor, study: CaseStudy) -> CaseStudy:
    """A director's approval: refused while consent is missing or an identifier remains."""
    _case_study_require(actor, Capability.MAKE_REPORTS, study)
    study = (
        CaseStudy.objects.select_for_update(of=("self",)).select_related("learner").get(pk=study.pk)
    )
    if not has_case_study_consent(study.learner):
        raise CaseStudyRefused(NO_CASE_STUDY_CONSENT)
    if case_study_findings(study):
        raise CaseStudyRefused(IDENTIFIERS_LEFT)
    _case_study_move(study, CaseStudyStatus.APPROVED)
    study.decided_by, study.decided_at = actor, timezone.now()
    study.return_note = ""
    study.save(update_fields=["status", "decided_by", "decided_at", "return_note"])
    change_record(actor=actor, action=Action.CASE_STUDY_APPROVE, learner=study.learner, obj=study)
    return study


@transaction.atomic
def case_study_return(*, actor, study: CaseStudy, note: str) -> CaseStudy:
    """A director sends the draft back to its author with a note."""
    _case_study_require(actor, Capability.MAKE_REPORTS, study)
    study = CaseStudy.objects.select_for_update().get(pk=study.pk)
    _case_study_move(study, CaseStudyStatus.RETURNED)
    study.decided_by, study.decided_at, study.return_note = actor, timezone.now(), note
    study.save(update_fields=["status", "decided_by", "decided_at", "return_note"])
    change_record(actor=actor, action=Action.CASE_STUDY_RETURN, learner=study.learner, obj=study)
    return study


def _tell_author_of_withdrawal(email: str, title: str) -> None:
    try:
        send_mail(
            subject="A case study you wrote has been withdrawn",
            message=(
                f'The learner in the case study "{title}" has withdrawn their consent '
                "to be in a case study, so it has been withdrawn. Do not use it, and "
                "remove any copy you have exported or shared.\n\nLearner Journey, Code4000"
            ),
            from_email=None,
            recipient_list=[email],
        )
    except Exception:  # the withdrawal stands; the failure is logged for the team
        logger.exception("Could not email the author of a withdrawn case study.")


@transaction.atomic
def case_studies_withdraw(*, learner_id: int, actor_id: int | None) -> int:
    """Withdraw every case study of a learner whose case-study consent was withdrawn,
    and email each author once the change is committed. Safe to run twice."""
    studies = list(
        CaseStudy.objects.select_for_update(of=("self",))
        .select_related("author", "learner")
        .filter(learner_id=learner_id)
        .exclude(status=CaseStudyStatus.WITHDRAWN)
    )
    now = timezone.now()
    for study in studies:
        _case_study_move(study, CaseStudyStatus.WITHDRAWN)
        study.withdrawn_at = now
        study.save(update_fields=["status", "withdrawn_at"])
        change_record(
            actor=None,
            action=Action.CASE_STUDY_WITHDRAW,
            learner=study.learner,
            obj=study,
            detail={"consent_withdrawn_by": actor_id},
        )
        if study.author is not None and study.author.is_active:
            email, title = study.author.email, study.title
            transaction.on_commit(lambda e=email, t=title: _tell_author_of_withdrawal(e, t))
    return len(studies)


def case_study_export_audit(*, actor, study: CaseStudy, file_format: str) -> None:
    change_record(
        actor=actor,
        action=Action.CASE_STUDY_EXPORT,
        learner=study.learner,
        obj=study,
        detail={"format": file_format},
    )


# --- The Justice Data Lab -------------------------------------------------------------


class CohortTooSmall(Exception):
    """Fewer people than the Lab's minimum cohort size: nothing is exported."""


# The Lab's essential identifiers are surname, forename, date of birth and gender,
# with at least one of an index, conviction or intervention start date; prison and
# PNC numbers improve the match. Its guidance names the dates of involvement
# "intervention start date" and "end date".
JDL_HEADER = (
    "Surname",
    "Forename",
    "Date of birth",
    "Gender",
    "Prison number",
    "PNC number",
    "Intervention start date",
    "Intervention end date",
)
JDL_GENDERS = {"male": "Male", "female": "Female", "other": "Other"}


def _jdl_date(day) -> str:
    # The Lab's template takes dates as DD/MM/YYYY.
    return day.strftime("%d/%m/%Y") if day else ""


def justice_data_lab_rows(learners) -> list[tuple[str, ...]]:
    return [JDL_HEADER] + [
        (
            learner.last_name,
            learner.first_name,
            _jdl_date(learner.date_of_birth),
            JDL_GENDERS.get(learner.gender, ""),
            learner.prison_number,
            learner.pnc_number,
            _jdl_date(learner.joined_on),
            _jdl_date(learner.involvement_ended_on),
        )
        for learner in learners
    ]


@transaction.atomic
def justice_data_lab_export(*, actor, learners, period_start, period_end) -> list[tuple[str, ...]]:
    """The cohort's rows for the Lab, recorded with the rules that chose it and
    audited; refused (nothing recorded) below the Lab's minimum cohort size."""
    access_for(actor).require(Capability.MAKE_REPORTS)
    people = list(learners)
    minimum = settings.JUSTICE_DATA_LAB_MINIMUM_COHORT
    if len(people) < minimum:
        raise CohortTooSmall(
            f"The cohort has {len(people)} {'person' if len(people) == 1 else 'people'}: "
            f"the Justice Data Lab needs at least {minimum}. Choose a longer period."
        )
    rules = {
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "who": "learners who joined the course in the period, not anonymised",
        "end_date": (
            "graduation, or the day the course was withdrawn from; blank if still taking part"
        ),
        "minimum_cohort": minimum,
    }
    export = JusticeDataLabExport.objects.create(
        period_start=period_start,
        period_end=period_end,
        cohort_size=len(people),
        rules=rules,
        made_by=actor,
    )
    audit_record(
        actor=actor,
        action="report.justice_data_lab.export",
        obj=export,
        detail={**rules, "cohort_size": len(people)},
    )
    return justice_data_lab_rows(people)


@transaction.atomic
def justice_data_lab_result_record(*, actor, data: dict) -> JusticeDataLabResult:
    access_for(actor).require(Capability.MAKE_REPORTS)
    result = JusticeDataLabResult(**data, entered_by=actor)
    result.full_clean()
    result.save()
    audit_record(
        actor=actor,
        action="report.justice_data_lab.result",
        obj=result,
        detail={"published_on": result.published_on.isoformat()},
    )
    return result
