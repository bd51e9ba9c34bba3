"""Who may open the reports pages. Dashboard and partner reports: directors and
administrators (who read as directors); making reports and the impact CSV:
directors. The caseload CSV and the learner progress PDF: anyone who may read
learner records, scoped by prison (OMU staff may not)."""

import datetime as dt

from reports.models import Partner, ReportRun, RunStatus
from tests.routes import LOGIN, REDIRECT, Route, Who, everyone

READERS = {"director": 200, "admin": 200}


def build(world) -> None:
    run = ReportRun.objects.create(
        partner=Partner.MOJ,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        params_key="route-matrix-run",
        status=RunStatus.RUNNING,
        progress=40,
    )
    run.prisons.set([world.prison])
    world.extra["report_run"] = run


def _run(world) -> dict:
    return {"run_id": world.extra["report_run"].pk}


ROUTES = [
    Route("reports:dashboard", get=everyone(403, **READERS)),
    Route("reports:impact_csv", get=everyone(403, director=200), page=False),
    Route("reports:caseload_csv", get=everyone(200, omu=403), page=False),
    Route(
        "reports:partner_list",
        get=everyone(403, **READERS),
        # An empty form comes back with its errors (400) for a director.
        post=everyone(403, director=400, anonymous=LOGIN),
    ),
    Route("reports:partner_detail", get=everyone(403, **READERS), kwargs=_run),
    Route(
        "reports:partner_regenerate",
        get=everyone(405, anonymous=LOGIN),
        # The run is still being made: the director is sent back to it, unchanged.
        post=everyone(403, director=REDIRECT, anonymous=LOGIN),
        kwargs=_run,
        page=False,
    ),
    # Not ready yet: 404 for those who may see reports.
    Route(
        "reports:partner_download",
        get=everyone(403, director=404, admin=404),
        kwargs=_run,
        page=False,
    ),
    Route(
        "reports:learner_progress_pdf",
        get=everyone(200, omu=403, other_prison=404),
        kwargs=lambda world: {"pk": world.learner.pk},
        page=False,
    ),
]

# Pages for learners themselves (issue 18): open to anybody, staff or not, and
# the same for all of them. The link's page shows the date-of-birth question for
# any token (an empty answer comes back with its error); the pages after it need
# the session a matching date of birth opens, so without one they are not found.
ANYBODY = dict.fromkeys(Who, 200)
NOBODY_WITHOUT_A_LINK = dict.fromkeys(Who, 404)
NO_POST = dict.fromkeys(Who, 405)
ROUTES += [
    Route(
        "own:start",
        get=ANYBODY,
        post=ANYBODY,
        kwargs=lambda world: {"token": "not-a-real-token"},
        page=False,
    ),
    Route("own:report", get=NOBODY_WITHOUT_A_LINK, post=NOBODY_WITHOUT_A_LINK, page=False),
    Route("own:thanks", get=NOBODY_WITHOUT_A_LINK, post=NO_POST, page=False),
    Route("own:progress", get=NOBODY_WITHOUT_A_LINK, post=NO_POST, page=False),
    Route("own:progress_pdf", get=NOBODY_WITHOUT_A_LINK, post=NO_POST, page=False),
    Route("own:ended", get=ANYBODY, post=NO_POST, page=False),
]
