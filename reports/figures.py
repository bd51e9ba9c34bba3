"""The impact figures, computed in one place for a period and a set of prisons.

Every figure is one set-based query (or one GROUP BY), whatever the number of
learners. The same `ImpactFigures` feeds the dashboard, the partner report PDF
and the impact CSV, so the three can never disagree.

These are the exact figures. Every output shows them through
`reports.disclosure.figures_shown`, which rounds them and withholds what would
give a small count away (docs/disclosure.md); `Count.public` and `Share.public`
below are only the first step of that, "fewer than 5" for a count from 1 to 4.

Learners are counted at the prison they are at now (a transfer moves a learner's
whole history with them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count as CountOf
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncQuarter

from accounts.models import Prison
from learners.models import CourseStatus, Learner
from resettlement.models import FollowUp, Outcome, OutcomeKind, Release, SelfReport
from reviews.models import (
    Intervention,
    InterventionStatus,
    ModuleCompletion,
    Review,
    ReviewStatus,
)

SUPPRESS_BELOW = 5
SUPPRESSED_TEXT = "fewer than 5"
WITHHELD_TEXT = "withheld"


def suppressed(value: int) -> bool:
    return 0 < value < SUPPRESS_BELOW


@dataclass(frozen=True)
class Count:
    value: int

    @property
    def suppressed(self) -> bool:
        return suppressed(self.value)

    @property
    def public(self) -> str:
        return SUPPRESSED_TEXT if self.suppressed else f"{self.value:,}"

    def __str__(self) -> str:
        return self.public


@dataclass(frozen=True)
class Share:
    """`numerator` of `denominator`, as a whole percentage (half rounds up)."""

    numerator: int
    denominator: int

    @property
    def withheld(self) -> bool:
        return suppressed(self.numerator) or suppressed(self.denominator)

    @property
    def percent(self) -> int | None:
        """The percentage, or None when it is withheld or there is no denominator."""
        if self.denominator == 0 or self.withheld:
            return None
        exact = Decimal(100 * self.numerator) / Decimal(self.denominator)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def count(self) -> Count:
        return Count(self.numerator)

    @property
    def base(self) -> Count:
        return Count(self.denominator)

    @property
    def public(self) -> str:
        if self.denominator == 0:
            return "no one to count"
        if self.withheld:
            return WITHHELD_TEXT
        return f"{self.percent}%"

    def __str__(self) -> str:
        return self.public


# The outcome shares reported, in order: key, label, the outcome kinds that count.
POSITIVE_KINDS: frozenset[str] = frozenset(
    {
        OutcomeKind.EMPLOYED_TECH,
        OutcomeKind.EMPLOYED_OTHER,
        OutcomeKind.SELF_EMPLOYED_TECH,
        OutcomeKind.SELF_EMPLOYED_OTHER,
        OutcomeKind.TRAINING,
        OutcomeKind.EDUCATION,
        OutcomeKind.VOLUNTEERING,
    }
)
OUTCOME_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("tech", "In tech work", frozenset({OutcomeKind.EMPLOYED_TECH})),
    (
        "self_employed",
        "Self-employed or own business",
        frozenset({OutcomeKind.SELF_EMPLOYED_TECH, OutcomeKind.SELF_EMPLOYED_OTHER}),
    ),
    ("training", "In further training", frozenset({OutcomeKind.TRAINING})),
    ("education", "In further or higher education", frozenset({OutcomeKind.EDUCATION})),
    ("positive", "In positive activity of any kind", POSITIVE_KINDS),
    ("returned", "Returned to custody", frozenset({OutcomeKind.RETURNED_TO_CUSTODY})),
    ("lost_contact", "Lost contact", frozenset({OutcomeKind.LOST_CONTACT})),
)


@dataclass(frozen=True)
class OutcomeLine:
    key: str
    label: str
    share: Share


@dataclass(frozen=True)
class OutcomeShares:
    """Outcomes at the latest follow-up among one group of released learners."""

    group: str  # e.g. "all released learners"
    noun: str  # e.g. "released learners", as in "12 released learners with a follow-up"
    released: Count  # everyone in the group released on or before the period end
    followed_up: Count  # of whom have a confirmed follow-up: the denominator
    lines: tuple[OutcomeLine, ...]
    by_kind: tuple[OutcomeLine, ...]  # every outcome kind, for the chart
    # Of `followed_up`, whose latest follow-up the learner reported themselves
    # (through their link) and a regional manager then confirmed (issue 18).
    self_reported: Count = Count(0)

    def line(self, key: str) -> OutcomeLine:
        return next(line for line in self.lines if line.key == key)


@dataclass(frozen=True)
class QuarterRow:
    label: str
    starters: int
    graduates: int
    releases: int


@dataclass(frozen=True)
class PrisonReviews:
    prison: str
    on_time: Share  # reviews held on time of reviews held with a due date


@dataclass(frozen=True)
class ImpactFigures:
    period_start: dt.date
    period_end: dt.date
    prisons: tuple[Prison, ...]
    learners: Count
    new_starters: Count
    active: Count
    graduates: Count
    releases: Count
    returns_to_custody: Count
    released_graduates: OutcomeShares
    all_released: OutcomeShares
    starters_graduates_releases_by_quarter: tuple[QuarterRow, ...]
    # None until the reviews models are available.
    modules_completed: Count | None = None
    reviews_held: Count | None = None
    reviews_on_time: Share | None = None
    interventions_raised: Count | None = None
    interventions_closed: Count | None = None
    reviews_on_time_by_prison: tuple[PrisonReviews, ...] = field(default_factory=tuple)

    @property
    def outcome_groups(self) -> tuple[OutcomeShares, OutcomeShares]:
        return (self.released_graduates, self.all_released)

    @property
    def prison_names(self) -> str:
        return ", ".join(prison.name for prison in self.prisons)

    def headline_rows(self) -> list[tuple[str, str, object]]:
        """(key, label, Count or Share) for the table of headline figures."""
        rows: list[tuple[str, str, object]] = [
            ("learners", "Learners on the programme", self.learners),
            ("new_starters", "New starters in the period", self.new_starters),
            ("active", "Active learners now", self.active),
            ("graduates", "Graduates in the period", self.graduates),
        ]
        if self.modules_completed is not None:
            rows += [
                ("modules_completed", "Modules completed", self.modules_completed),
                ("reviews_held", "Progress reviews held", self.reviews_held),
                ("reviews_on_time", "Share of reviews held on time", self.reviews_on_time),
                ("interventions_raised", "Interventions raised", self.interventions_raised),
                ("interventions_closed", "Interventions closed", self.interventions_closed),
            ]
        rows += [
            ("releases", "Releases in the period", self.releases),
            ("returns_to_custody", "Returns to custody in the period", self.returns_to_custody),
        ]
        return rows


def _quarter_label(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarters(start: dt.date, end: dt.date) -> list[dt.date]:
    first = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    quarters = []
    while first <= end:
        quarters.append(first)
        month = first.month + 3
        first = dt.date(first.year + (month > 12), (month - 1) % 12 + 1, 1)
    return quarters


def quarter_spans(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The days each row of the per-quarter table counts: its quarter, cut to the period."""
    firsts = _quarters(start, end)
    lasts = [q - dt.timedelta(days=1) for q in firsts[1:]] + [end]
    return [(max(first, start), min(last, end)) for first, last in zip(firsts, lasts, strict=True)]


def _per_quarter(queryset: QuerySet, date_field: str) -> dict[dt.date, int]:
    rows = (
        queryset.annotate(quarter=TruncQuarter(date_field))
        .values("quarter")
        .annotate(n=CountOf("pk"))
        .order_by()
    )
    result: dict[dt.date, int] = {}
    for row in rows:
        quarter = row["quarter"]
        if isinstance(quarter, dt.datetime):
            quarter = quarter.date()
        result[quarter] = row["n"]
    return result


def _latest_follow_up_ids(released: QuerySet[Learner], period_end: dt.date) -> list[int]:
    """The latest confirmed follow-up of each released learner, up to the period's
    end (so its release was before the end, too), as a list of ids. Used inside the
    aggregate as a correlated subquery, PostgreSQL re-ran it per outcome row (30 s
    over 20,000 learners); as a correlated subquery per follow-up it ran 34,515
    times (150-240 ms); PostgreSQL's DISTINCT ON reads each learner's rows once."""
    confirmed = FollowUp.objects.filter(
        learner__in=released.values("pk"),
        confirmed_on__isnull=False,
        confirmed_on__lte=period_end,
    )
    if connection.features.can_distinct_on_fields:
        return list(
            confirmed.order_by("learner_id", "-confirmed_on", "-pk")
            .distinct("learner_id")
            .values_list("pk", flat=True)
        )
    newest = (
        FollowUp.objects.filter(
            learner=OuterRef("learner"), confirmed_on__isnull=False, confirmed_on__lte=period_end
        )
        .order_by("-confirmed_on", "-pk")
        .values("pk")[:1]
    )
    return list(confirmed.filter(pk=Subquery(newest)).values_list("pk", flat=True))


def _outcome_shares(
    group: str, noun: str, learners: QuerySet[Learner], period_end: dt.date
) -> OutcomeShares:
    released = learners.filter(
        pk__in=Release.objects.filter(released_on__lte=period_end).values("learner")
    )
    latest = _latest_follow_up_ids(released, period_end)
    outcomes = Outcome.objects.filter(follow_up__in=latest)
    aggregates = {
        key: CountOf("learner", distinct=True, filter=Q(kind__in=sorted(kinds)))
        for key, _label, kinds in OUTCOME_GROUPS
    }
    aggregates |= {
        f"kind_{kind}": CountOf("learner", distinct=True, filter=Q(kind=kind))
        for kind in OutcomeKind.values
    }
    counts = outcomes.aggregate(**aggregates)
    followed_up = len(latest)
    self_reported = SelfReport.objects.filter(
        follow_up__in=latest, confirmed_at__isnull=False
    ).count()
    return OutcomeShares(
        group=group,
        noun=noun,
        released=Count(released.count()),
        followed_up=Count(followed_up),
        lines=tuple(
            OutcomeLine(key, label, Share(counts[key], followed_up))
            for key, label, _kinds in OUTCOME_GROUPS
        ),
        by_kind=tuple(
            OutcomeLine(kind, OutcomeKind(kind).label, Share(counts[f"kind_{kind}"], followed_up))
            for kind in OutcomeKind.values
        ),
        self_reported=Count(self_reported),
    )


def impact_figures(
    *, period_start: dt.date, period_end: dt.date, prisons: Iterable[Prison] | Sequence[int]
) -> ImpactFigures:
    """Every figure for learners now at `prisons`, for the period (inclusive)."""
    prison_list = list(prisons)
    prison_ids = [getattr(p, "pk", p) for p in prison_list]
    prison_rows = tuple(Prison.objects.filter(pk__in=prison_ids).order_by("name"))
    learners = Learner.objects.filter(prison__in=prison_ids)

    headline = learners.aggregate(
        on_programme=CountOf(
            "pk",
            filter=Q(joined_on__lte=period_end)
            & ~Q(course_status__in=[CourseStatus.WITHDRAWN, CourseStatus.REFERRED]),
        ),
        new_starters=CountOf(
            "pk",
            filter=Q(joined_on__range=(period_start, period_end))
            & ~Q(course_status=CourseStatus.REFERRED),
        ),
        active=CountOf("pk", filter=Q(course_status=CourseStatus.ACTIVE)),
        graduates=CountOf("pk", filter=Q(graduated_on__range=(period_start, period_end))),
    )
    releases = Release.objects.filter(learner__prison__in=prison_ids)
    release_counts = releases.aggregate(
        released=CountOf("pk", filter=Q(released_on__range=(period_start, period_end))),
        returned=CountOf("pk", filter=Q(returned_to_custody_on__range=(period_start, period_end))),
    )

    quarters = _quarters(period_start, period_end)
    starters_q = _per_quarter(
        learners.filter(joined_on__range=(period_start, period_end)).exclude(
            course_status=CourseStatus.REFERRED
        ),
        "joined_on",
    )
    graduates_q = _per_quarter(
        learners.filter(graduated_on__range=(period_start, period_end)), "graduated_on"
    )
    releases_q = _per_quarter(
        releases.filter(released_on__range=(period_start, period_end)), "released_on"
    )
    by_quarter = tuple(
        QuarterRow(
            _quarter_label(q), starters_q.get(q, 0), graduates_q.get(q, 0), releases_q.get(q, 0)
        )
        for q in quarters
    )

    graduates_ever = learners.filter(graduated_on__isnull=False, graduated_on__lte=period_end)
    review_figures = _review_figures(prison_ids, period_start, period_end)

    return ImpactFigures(
        period_start=period_start,
        period_end=period_end,
        prisons=prison_rows,
        learners=Count(headline["on_programme"]),
        new_starters=Count(headline["new_starters"]),
        active=Count(headline["active"]),
        graduates=Count(headline["graduates"]),
        releases=Count(release_counts["released"]),
        returns_to_custody=Count(release_counts["returned"]),
        released_graduates=_outcome_shares(
            "released graduates", "released graduates", graduates_ever, period_end
        ),
        all_released=_outcome_shares(
            "all released learners", "released learners", learners, period_end
        ),
        starters_graduates_releases_by_quarter=by_quarter,
        **review_figures,
    )


def _review_figures(prison_ids, period_start, period_end) -> dict[str, object]:
    period = (period_start, period_end)
    completions = ModuleCompletion.objects.filter(
        learner__prison__in=prison_ids, completed_on__range=period
    ).count()
    held = Review.objects.filter(
        learner__prison__in=prison_ids, status=ReviewStatus.COMPLETE, held_on__range=period
    )
    on_time_q = Q(due_on__isnull=False, held_on__lte=F("due_on"))
    # One GROUP BY per prison; the totals are the sums of its rows.
    by_prison = list(
        held.values("learner__prison__name")
        .annotate(
            held=CountOf("pk"),
            with_due=CountOf("pk", filter=Q(due_on__isnull=False)),
            on_time=CountOf("pk", filter=on_time_q),
        )
        .order_by("learner__prison__name")
    )
    review_counts = {
        key: sum(row[key] for row in by_prison) for key in ("held", "with_due", "on_time")
    }
    interventions = Intervention.objects.filter(learner__prison__in=prison_ids).aggregate(
        raised=CountOf("pk", filter=Q(raised_at__date__range=period)),
        closed=CountOf(
            "pk",
            filter=Q(
                status__in=[InterventionStatus.DONE, InterventionStatus.CANCELLED],
                closed_on__range=period,
            ),
        ),
    )
    return {
        "modules_completed": Count(completions),
        "reviews_held": Count(review_counts["held"]),
        "reviews_on_time": Share(review_counts["on_time"], review_counts["with_due"]),
        "interventions_raised": Count(interventions["raised"]),
        "interventions_closed": Count(interventions["closed"]),
        "reviews_on_time_by_prison": tuple(
            PrisonReviews(row["learner__prison__name"], Share(row["on_time"], row["with_due"]))
            for row in by_prison
        ),
    }
