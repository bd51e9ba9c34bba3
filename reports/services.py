"""Writes for reports: asking for a partner report, making its PDF, releasing
figures that leave the organisation, and the audit events for every report, PDF
and export."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from reports.disclosure import FiguresShown, Published, figures_shown
from reports.figures import ImpactFigures, impact_figures
from reports.figures_store import figures_current, impact_figures_stored
from reports.impact_charts import impact_charts
from reports.models import (
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
