from celery import shared_task

from reports.figures_store import figures_refresh_all, figures_refresh_stale
from reports.services import partner_report_render


@shared_task
def report_render_task(run_id: int) -> None:
    """Make the partner report PDF for one ReportRun. Safe to run twice."""
    partner_report_render(run_id=run_id)


@shared_task(name="reports.refresh_stale_figures")
def figures_refresh_stale_task() -> int:
    """Work out again the dashboard figures of every prison whose records changed
    (every minute). Safe to run twice: a second run finds nothing stale."""
    return figures_refresh_stale()


@shared_task(name="reports.refresh_all_figures")
def figures_refresh_all_task() -> int:
    """Work out every prison's dashboard figures again (nightly), catching any
    change made outside the services."""
    return figures_refresh_all()
