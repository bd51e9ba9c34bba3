from celery import shared_task

from reports.services import partner_report_render


@shared_task
def report_render_task(run_id: int) -> None:
    """Make the partner report PDF for one ReportRun. Safe to run twice."""
    partner_report_render(run_id=run_id)
