"""Demo step: one partner report, already made, so the reports pages have
something to list and download. Runs after the learners, reviews and
resettlement steps, so its figures come from their demo records."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from learners.models import ConsentKind, CourseStatus, Learner
from reports.case_study_text import draft_text, identifier_terms, identifiers_in, quote_choices
from reports.forms import default_period
from reports.models import (
    CaseStudy,
    JusticeDataLabResult,
    Partner,
    ReportRun,
    RunStatus,
    params_key_for,
)
from reports.selectors import justice_data_lab_cohort_for_user
from reports.services import (
    CohortTooSmall,
    case_study_approve,
    case_study_start,
    justice_data_lab_export,
    justice_data_lab_result_record,
    partner_report_render,
)


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
    _case_studies(world, log)
    _justice_data_lab(world, log)
    partner_report_render(run_id=run.pk)
    run.refresh_from_db()
    if run.status == RunStatus.DONE:
        log(f"Demo partner report made: {run}.")
    else:
        log(f"The demo partner report could not be made: {run.error}")


CASE_STUDY_TITLES = (
    "From first line of code to a first job",
    "Learning to build, one module at a time",
)


def _case_studies(world, log) -> None:
    """One approved case study and one draft waiting for approval, written through
    the services from learners who consented (graduates first), so the case-study
    pages show both states. Drafts the identifier check would stop are not made."""
    if CaseStudy.objects.exists():
        return
    director = world.first_of(Role.DIRECTOR)
    learners = (
        Learner.objects.filter(
            consents__kind=ConsentKind.CASE_STUDY,
            consents__withdrawn_on__isnull=True,
            anonymised_at__isnull=True,
            regional_manager__isnull=False,
        )
        .select_related("prison__region", "regional_manager")
        .order_by("pk")
        .distinct()
    )
    candidates = sorted(
        learners, key=lambda learner: learner.course_status != CourseStatus.GRADUATED
    )
    made = []
    for learner in candidates:
        title = CASE_STUDY_TITLES[len(made)]
        quotes = [pk for pk, _words in quote_choices(learner)][:2]
        text = draft_text(learner, quote_ids=quotes, today=timezone.localdate())
        if identifiers_in(f"{title}\n{text}", identifier_terms(learner)):
            continue
        made.append(
            case_study_start(
                actor=learner.regional_manager, learner=learner, title=title, quote_ids=quotes
            )
        )
        if len(made) == len(CASE_STUDY_TITLES):
            break
    if made:
        case_study_approve(actor=director, study=made[0])
    log(f"Demo case studies: {len(made)}, {min(len(made), 1)} approved.")


def _justice_data_lab(world, log) -> None:
    """A cohort exported for the last three years (when it is big enough for the Lab)
    and the Lab's headline result for an earlier cohort, typed in by a director."""
    if JusticeDataLabResult.objects.exists():
        return
    director = world.first_of(Role.DIRECTOR)
    today = timezone.localdate()
    start = today.replace(year=today.year - 3)
    try:
        justice_data_lab_export(
            actor=director,
            learners=justice_data_lab_cohort_for_user(
                director, period_start=start, period_end=today
            ),
            period_start=start,
            period_end=today,
        )
    except CohortTooSmall as refused:
        log(f"No demo Justice Data Lab export: {refused}")
    justice_data_lab_result_record(
        actor=director,
        data={
            "published_on": today - dt.timedelta(days=45),
            "measured_rate": Decimal("17.4"),
            "comparison_rate": Decimal("29.8"),
            "interval_low": Decimal("-19.6"),
            "interval_high": Decimal("-5.2"),
        },
    )
    log("Demo Justice Data Lab result recorded.")
