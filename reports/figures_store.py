"""The directors' dashboard figures, kept precomputed per prison and day (issue 15).

`reports.figures.impact_figures` works every figure out from the records: about
ten aggregates over every learner, review, completion and follow-up of the
prisons asked for (850 ms for every prison at national scale). The dashboard
reads the same `ImpactFigures` from `PrisonDayFigure` instead: a few sums over
small rows, for the user's own prisons only (`impact_figures_stored`).

What is stored, for each prison (learners are counted at the prison they are at
now, as in the live figures):

* period measures, the count of what happened on a day: starters, graduates,
  releases, returns, modules, reviews held / with a due date / on time,
  interventions raised / closed. A period's figure is the sum over its days.
* figures "as at the period's end" (learners on the programme, and for each
  group of released learners: released, followed up, and each outcome at the
  latest follow-up), stored as the change on each day (+1 when a learner enters,
  -1 when a later follow-up replaces the outcomes of an earlier one). The figure
  is the sum over every day up to the end.
* "active learners now" on `PrisonFigures`.

How it is kept current: every change to the records these figures come from
marks its prison stale (`figures_mark_stale`, from the journey-event listeners
and the model signals in reports/listeners.py); a Celery beat task refreshes
stale prisons every minute and every prison each night; and a read refreshes any
of its prisons still stale first, so what is shown always equals the live
computation (tests/reports/test_figures_store.py and the journey state machine).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Case, DateField, F, Max, Q, Sum, Value, When
from django.db.models import Count as CountOf
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from accounts.models import Prison
from learners.models import CourseStatus, Learner
from reports.figures import (
    OUTCOME_GROUPS,
    Count,
    ImpactFigures,
    OutcomeLine,
    OutcomeShares,
    PrisonReviews,
    QuarterRow,
    Share,
    _quarter_label,
    _quarters,
)
from reports.models import FiguresStale, PrisonDayFigure, PrisonFigures
from resettlement.models import FollowUp, Outcome, OutcomeKind, Release, SelfReport
from reviews.models import Intervention, InterventionStatus, ModuleCompletion, Review, ReviewStatus

PERIOD_MEASURES = (
    "starters",
    "graduates",
    "releases",
    "returns",
    "modules",
    "reviews_held",
    "reviews_with_due",
    "reviews_on_time",
    "interventions_raised",
    "interventions_closed",
)
# The released-learner groups: the graduates among them, and everyone.
GROUPS = (
    ("graduates", "released graduates", "released graduates"),
    ("all", "all released learners", "released learners"),
)


def _as_at_measures() -> tuple[str, ...]:
    names = ["on_programme"]
    for key, _group, _noun in GROUPS:
        names += [f"{key}:released", f"{key}:followed_up", f"{key}:self_reported"]
        names += [f"{key}:line:{line}" for line, _label, _kinds in OUTCOME_GROUPS]
        names += [f"{key}:kind:{kind}" for kind in OutcomeKind.values]
    return tuple(names)


AS_AT_MEASURES = _as_at_measures()
BEFORE_PERIOD = dt.date(1, 1, 1)  # the bucket of "as at" changes before the period


# -- marking and refreshing (writes) ------------------------------------------


def figures_mark_stale(prison_ids: Iterable[int | None]) -> None:
    """Note that the records of these prisons changed (in the caller's transaction)."""
    ids = sorted({pk for pk in prison_ids if pk is not None})
    if ids:
        FiguresStale.objects.bulk_create([FiguresStale(prison_id=pk) for pk in ids])


def _add(counter: Counter, measure: str, day: dt.date | None, value: int = 1) -> None:
    if day is not None:
        counter[measure, day] += value


def _outcome_changes(counter: Counter, learners: Sequence[dict], prison_id: int) -> None:
    """The "as at" outcome figures of the learners of one prison, as day-by-day changes,
    following `reports.figures._outcome_shares`: a learner is in a group from the
    day they are first released (and, for graduates, graduated); the outcomes
    counted are those of their latest confirmed follow-up as at the period's end."""
    learner_ids = [row["pk"] for row in learners]
    first_release: dict[int, dt.date] = {}
    for learner_id, released_on in Release.objects.filter(learner__in=learner_ids).values_list(
        "learner_id", "released_on"
    ):
        if learner_id not in first_release or released_on < first_release[learner_id]:
            first_release[learner_id] = released_on
    follow_ups: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for learner_id, confirmed_on, pk in FollowUp.objects.filter(
        learner__in=learner_ids, confirmed_on__isnull=False
    ).values_list("learner_id", "confirmed_on", "pk"):
        follow_ups[learner_id].append((confirmed_on, pk))
    kinds_of: dict[int, set[str]] = defaultdict(set)
    for follow_up_id, kind in Outcome.objects.filter(
        follow_up__learner__in=learner_ids, follow_up__confirmed_on__isnull=False
    ).values_list("follow_up_id", "kind"):
        kinds_of[follow_up_id].add(kind)
    # Follow-ups whose answers the learner reported and a regional manager confirmed.
    self_reported = set(
        SelfReport.objects.filter(learner__in=learner_ids, confirmed_at__isnull=False).values_list(
            "follow_up_id", flat=True
        )
    )

    for row in learners:
        released_on = first_release.get(row["pk"])
        if released_on is None:
            continue
        confirmed = sorted(follow_ups.get(row["pk"], []))
        for key, _group, _noun in GROUPS:
            if key == "graduates":
                if row["graduated_on"] is None:
                    continue
                start = max(released_on, row["graduated_on"])
            else:
                start = released_on
            _add(counter, f"{key}:released", start)
            if confirmed:
                _add(counter, f"{key}:followed_up", max(start, confirmed[0][0]))
            for index, (confirmed_on, pk) in enumerate(confirmed):
                begins = max(start, confirmed_on)
                ends = confirmed[index + 1][0] if index + 1 < len(confirmed) else None
                if ends is not None and ends <= begins:
                    continue  # replaced before it ever counted
                kinds = kinds_of.get(pk, set())
                counted = [f"{key}:kind:{kind}" for kind in sorted(kinds)]
                counted += [
                    f"{key}:line:{line}" for line, _l, group in OUTCOME_GROUPS if kinds & group
                ]
                if pk in self_reported:
                    counted.append(f"{key}:self_reported")
                for measure in counted:
                    _add(counter, measure, begins)
                    _add(counter, measure, ends, -1)


def _prison_counter(prison_id: int) -> tuple[Counter, int]:
    """Every stored measure of one prison, worked out from its records, and its
    active learners now."""
    counter: Counter = Counter()
    learners = list(
        Learner.objects.filter(prison_id=prison_id).values(
            "pk", "joined_on", "graduated_on", "course_status"
        )
    )
    active = 0
    for row in learners:
        status = row["course_status"]
        active += status == CourseStatus.ACTIVE
        if status != CourseStatus.REFERRED:
            _add(counter, "starters", row["joined_on"])
        if status not in (CourseStatus.WITHDRAWN, CourseStatus.REFERRED):
            _add(counter, "on_programme", row["joined_on"])
        _add(counter, "graduates", row["graduated_on"])
    for released_on, returned_on in Release.objects.filter(
        learner__prison_id=prison_id
    ).values_list("released_on", "returned_to_custody_on"):
        _add(counter, "releases", released_on)
        _add(counter, "returns", returned_on)
    for row in (
        ModuleCompletion.objects.filter(learner__prison_id=prison_id)
        .values("completed_on")
        .annotate(n=CountOf("pk"))
        .order_by()
    ):
        _add(counter, "modules", row["completed_on"], row["n"])
    for row in (
        Review.objects.filter(
            learner__prison_id=prison_id, status=ReviewStatus.COMPLETE, held_on__isnull=False
        )
        .values("held_on")
        .annotate(
            held=CountOf("pk"),
            with_due=CountOf("pk", filter=Q(due_on__isnull=False)),
            on_time=CountOf("pk", filter=Q(due_on__isnull=False, held_on__lte=F("due_on"))),
        )
        .order_by()
    ):
        for measure, key in (
            ("reviews_held", "held"),
            ("reviews_with_due", "with_due"),
            ("reviews_on_time", "on_time"),
        ):
            _add(counter, measure, row["held_on"], row[key])
    closed = (InterventionStatus.DONE, InterventionStatus.CANCELLED)
    for raised_at, status, closed_on in Intervention.objects.filter(
        learner__prison_id=prison_id
    ).values_list("raised_at", "status", "closed_on"):
        _add(counter, "interventions_raised", timezone.localdate(raised_at))
        if status in closed:
            _add(counter, "interventions_closed", closed_on)
    _outcome_changes(counter, learners, prison_id)
    return counter, active


def _write_changes(prison_id: int, counter: Counter) -> bool:
    """Bring the stored rows of one prison to `counter`, writing only the rows
    that differ (a change to one learner moves a few rows of thousands).
    Returns whether anything changed."""
    wanted = {key: value for key, value in counter.items() if value}
    stored = {
        (measure, day): (pk, value)
        for pk, measure, day, value in PrisonDayFigure.objects.filter(
            prison_id=prison_id
        ).values_list("pk", "measure", "day", "value")
    }
    gone = [pk for key, (pk, _value) in stored.items() if key not in wanted]
    moved = [
        PrisonDayFigure(pk=stored[key][0], value=value)
        for key, value in wanted.items()
        if key in stored and stored[key][1] != value
    ]
    new = [
        PrisonDayFigure(prison_id=prison_id, measure=measure, day=day, value=value)
        for (measure, day), value in sorted(wanted.items())
        if (measure, day) not in stored
    ]
    if gone:
        PrisonDayFigure.objects.filter(pk__in=gone).delete()
    if moved:
        PrisonDayFigure.objects.bulk_update(moved, ["value"], batch_size=1000)
    if new:
        PrisonDayFigure.objects.bulk_create(new, batch_size=2000)
    return bool(gone or moved or new)


def figures_refresh(prison_ids: Iterable[int]) -> int:
    """Work the stored figures of these prisons out again from their records (each
    in a transaction of its own unless the caller holds one). Returns how many
    prisons were refreshed."""
    done = 0
    for prison_id in sorted(set(prison_ids)):
        with transaction.atomic():
            state, _created = PrisonFigures.objects.get_or_create(prison_id=prison_id)
            state = PrisonFigures.objects.select_for_update().get(pk=state.pk)
            # The marks this refresh covers: taken before the records are read, so
            # a change committed later keeps its mark for the next refresh.
            covered = FiguresStale.objects.filter(prison_id=prison_id).aggregate(last=Max("pk"))[
                "last"
            ]
            counter, active = _prison_counter(prison_id)
            changed = _write_changes(prison_id, counter) or state.active != active
            if covered is not None:
                FiguresStale.objects.filter(prison_id=prison_id, pk__lte=covered).delete()
            if changed or state.refreshed_at is None:
                # A new version only when a figure moved: the kept dashboard
                # results of an unchanged prison stay good.
                state.version += 1
                state.active = active
                state.refreshed_at = timezone.now()
                state.save()
            done += 1
    return done


def figures_refresh_stale() -> int:
    """Refresh every prison marked stale (the beat task, every minute)."""
    stale = FiguresStale.objects.values_list("prison_id", flat=True).distinct()
    return figures_refresh(list(stale))


def figures_refresh_all() -> int:
    """Refresh every prison (nightly: also catches a change made outside the services)."""
    return figures_refresh(Prison.objects.values_list("pk", flat=True))


def figures_current(prison_ids: Sequence[int]) -> dict[int, tuple[int, int, str]]:
    """Each prison's figures (version, active learners now, when worked out, the
    last two together naming this data version even across a database restored
    from an older copy), refreshing first any
    that is stale or was never worked out (so a read never shows figures older
    than the records)."""

    def states() -> dict[int, tuple[int, int, str]]:
        rows = PrisonFigures.objects.filter(prison_id__in=prison_ids)
        return {
            pk: (version, active, refreshed_at.isoformat() if refreshed_at else "")
            for pk, version, active, refreshed_at in rows.values_list(
                "prison_id", "version", "active", "refreshed_at"
            )
        }

    current = states()
    stale = set(
        FiguresStale.objects.filter(prison_id__in=prison_ids).values_list("prison_id", flat=True)
    ) | (set(prison_ids) - set(current))
    if stale:
        figures_refresh(stale)
        current = states()
    return current


# -- reading -----------------------------------------------------------------


def impact_figures_stored(
    *,
    period_start: dt.date,
    period_end: dt.date,
    prisons: Iterable[Prison] | Sequence[int],
    refresh: bool = True,
) -> ImpactFigures:
    """The same `ImpactFigures` as `reports.figures.impact_figures`, from the stored
    figures of `prisons` (which the caller has already narrowed to the user's).
    `refresh=False` reads what is stored without refreshing stale prisons first
    (for the tests that prove every change marks its prison)."""
    prison_ids = sorted({getattr(p, "pk", p) for p in prisons})
    prison_rows = tuple(Prison.objects.filter(pk__in=prison_ids).order_by("name"))
    if refresh:
        current = figures_current(prison_ids)
    else:
        current = {
            pk: (version, active, "")
            for pk, version, active in PrisonFigures.objects.filter(
                prison_id__in=prison_ids
            ).values_list("prison_id", "version", "active")
        }
    active = sum(state[1] for state in current.values())
    return _figures_from_rows(prison_rows, period_start, period_end, active)


def _figures_from_rows(
    prison_rows: tuple[Prison, ...], period_start: dt.date, period_end: dt.date, active: int
) -> ImpactFigures:
    prison_ids = [p.pk for p in prison_rows]
    rows = PrisonDayFigure.objects.filter(prison_id__in=prison_ids, day__lte=period_end)
    bucket = Case(
        When(day__lt=period_start, then=Value(BEFORE_PERIOD)),
        default=TruncQuarter("day", output_field=DateField()),
        output_field=DateField(),
    )
    sums = (
        rows.filter(Q(measure__in=AS_AT_MEASURES) | Q(day__gte=period_start))
        .annotate(bucket=bucket)
        .values("measure", "bucket")
        .annotate(total=Sum("value"))
        .order_by()
    )
    as_at: Counter = Counter()
    period: Counter = Counter()
    by_quarter: Counter = Counter()
    for row in sums:
        measure, quarter, total = row["measure"], row["bucket"], row["total"]
        if isinstance(quarter, dt.datetime):
            quarter = quarter.date()
        as_at[measure] += total
        if quarter != BEFORE_PERIOD:
            period[measure] += total
            by_quarter[measure, quarter] += total
    per_prison = (
        rows.filter(
            day__gte=period_start,
            measure__in=["reviews_held", "reviews_with_due", "reviews_on_time"],
        )
        .values("prison_id", "measure")
        .annotate(total=Sum("value"))
        .order_by()
    )
    reviews_of: dict[int, dict[str, int]] = defaultdict(dict)
    for row in per_prison:
        reviews_of[row["prison_id"]][row["measure"]] = row["total"]

    def group_shares(key: str, group: str, noun: str) -> OutcomeShares:
        followed_up = as_at[f"{key}:followed_up"]
        return OutcomeShares(
            group=group,
            noun=noun,
            released=Count(as_at[f"{key}:released"]),
            followed_up=Count(followed_up),
            lines=tuple(
                OutcomeLine(line, label, Share(as_at[f"{key}:line:{line}"], followed_up))
                for line, label, _kinds in OUTCOME_GROUPS
            ),
            by_kind=tuple(
                OutcomeLine(
                    kind, OutcomeKind(kind).label, Share(as_at[f"{key}:kind:{kind}"], followed_up)
                )
                for kind in OutcomeKind.values
            ),
            self_reported=Count(as_at[f"{key}:self_reported"]),
        )

    graduates_group, all_group = (group_shares(*group) for group in GROUPS)
    return ImpactFigures(
        period_start=period_start,
        period_end=period_end,
        prisons=prison_rows,
        learners=Count(as_at["on_programme"]),
        new_starters=Count(period["starters"]),
        active=Count(active),
        graduates=Count(period["graduates"]),
        releases=Count(period["releases"]),
        returns_to_custody=Count(period["returns"]),
        released_graduates=graduates_group,
        all_released=all_group,
        starters_graduates_releases_by_quarter=tuple(
            QuarterRow(
                _quarter_label(q),
                by_quarter["starters", q],
                by_quarter["graduates", q],
                by_quarter["releases", q],
            )
            for q in _quarters(period_start, period_end)
        ),
        modules_completed=Count(period["modules"]),
        reviews_held=Count(period["reviews_held"]),
        reviews_on_time=Share(period["reviews_on_time"], period["reviews_with_due"]),
        interventions_raised=Count(period["interventions_raised"]),
        interventions_closed=Count(period["interventions_closed"]),
        reviews_on_time_by_prison=tuple(
            PrisonReviews(
                prison.name,
                Share(
                    reviews_of[prison.pk].get("reviews_on_time", 0),
                    reviews_of[prison.pk].get("reviews_with_due", 0),
                ),
            )
            for prison in prison_rows
            if reviews_of[prison.pk].get("reviews_held", 0) > 0
        ),
    )
