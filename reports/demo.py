"""Demo step: one partner report, already made, so the reports pages have
something to list and download. Runs after the learners, reviews and
resettlement steps, so its figures come from their demo records."""

from accounts.models import Role
from reports.forms import default_period
from reports.models import Partner, ReportRun, RunStatus, params_key_for
from reports.services import partner_report_render


def seed(world, *, size: int, log) -> None:
    if size == 0 or not world.prisons:
        log("No demo partner report (no learners).")
        return
    start, end = default_period()
    prisons = list(world.prisons.values())
    key = params_key_for(
        partner=Partner.MOJ, period_start=start, period_end=end, prison_ids=[p.pk for p in prisons]
    )
    run, created = ReportRun.objects.get_or_create(
        params_key=key,
        defaults={
            "partner": Partner.MOJ,
            "period_start": start,
            "period_end": end,
            "requested_by": world.first_of(Role.DIRECTOR),
        },
    )
    if created:
        run.prisons.set(prisons)
    partner_report_render(run_id=run.pk)
    run.refresh_from_db()
    if run.status == RunStatus.DONE:
        log(f"Demo partner report made: {run}.")
    else:
        log(f"The demo partner report could not be made: {run.error}")
