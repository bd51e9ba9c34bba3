"""The four attacks of issue 14, tried against what the product releases.

Each builds a small world, downloads what a partner would receive (the impact
CSV or the partner PDF's figures) and does the arithmetic an outsider would:
a total minus its shown parts, one report minus another. The attack succeeds
when that arithmetic gives a true count from 1 to 4 exactly; each test asserts
it does not.
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings

from learners.models import Learner
from reports.disclosure import UNBOUNDED, Cell, Published
from reports.models import PublishedTable
from resettlement.models import FollowUp, Outcome, OutcomeKind, Release, ReleaseType
from reviews.models import Review, ReviewStatus
from tests.factories import LearnerFactory
from tests.reports.test_disclosure_attacker import QUARTERS, recovered, reports, worlds

pytestmark = pytest.mark.django_db

D = dt.date
YEAR = {"period_start": "2025-01-01", "period_end": "2025-12-31"}


def impact_csv(client, prisons) -> list[list[str]]:
    response = client.get(
        reverse("reports:impact_csv"), {**YEAR, "prisons": [p.pk for p in prisons]}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def number(cell: str) -> int | None:
    """What an outsider reads from a cell: a number, or nothing."""
    try:
        return int(cell.replace(",", ""))
    except ValueError:
        return None


def row(rows, label, after=None) -> list[str]:
    start = 0
    if after is not None:
        start = next(i for i, r in enumerate(rows) if r and r[0].startswith(after))
    return next(r for r in rows[start:] if r and r[0] == label)


def difference(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def reviews(learner, *, on_time: int, late: int = 0):
    for index in range(on_time + late):
        due = D(2025, 6, 1 + index)
        held = due + dt.timedelta(days=3) if index >= on_time else due - dt.timedelta(days=1)
        Review.objects.create(
            learner=learner, status=ReviewStatus.COMPLETE, held_on=held, due_on=due
        )


def released(prison, released_on: dt.date, *, followed_up: bool = False):
    learner = LearnerFactory(prison=prison, joined_on=D(2024, 1, 1))
    release = Release.objects.create(
        learner=learner, released_on=released_on, release_type=ReleaseType.LICENCE, area="Hull"
    )
    if followed_up:
        confirmed = released_on + dt.timedelta(days=35)
        follow_up = FollowUp.objects.create(
            release=release, learner=learner, months=1, due_on=confirmed, confirmed_on=confirmed
        )
        Outcome.objects.create(
            follow_up=follow_up,
            learner=learner,
            confirmed_on=confirmed,
            kind=OutcomeKind.EMPLOYED_TECH,
        )
    return learner


def test_a_prisons_reviews_cannot_be_worked_out_from_the_total(
    client, director, prison, other_prison
):
    """Total "67%, 9" and one prison's "63%, 8" gave the other prison: 1 review, on time."""
    reviews(LearnerFactory(prison=prison), on_time=5, late=3)
    reviews(LearnerFactory(prison=other_prison), on_time=1)
    client.force_login(director)
    rows = impact_csv(client, [prison, other_prison])

    total = row(rows, "Share of reviews held on time")
    humber = row(rows, "HMP Humber", after="Reviews held on time, by prison")
    assert difference(number(total[2]), number(humber[2])) != 1  # Risley's reviews
    risley = row(rows, "HMP Risley", after="Reviews held on time, by prison")
    assert risley[1] != "100%"
    assert number(risley[2]) is None


def test_a_suppressed_quarter_cannot_be_worked_out_from_the_period_total(client, director, prison):
    for month, count in ((2, 6), (5, 2), (8, 7)):
        for _ in range(count):
            released(prison, D(2025, month, 10))
    client.force_login(director)
    rows = impact_csv(client, [prison])

    total = number(row(rows, "Releases in the period")[1])
    quarters = [row(rows, f"2025 Q{q}")[3] for q in (1, 2, 3, 4)]
    shown = [number(cell) for cell in quarters]
    assert None in shown  # the 2 releases in Q2 are not shown
    worked_out = None if total is None else total - sum(n for n in shown if n is not None)
    assert worked_out != 2


def test_learners_without_a_follow_up_cannot_be_worked_out_from_the_denominator(
    client, director, prison
):
    """ "24 of 25 released learners with a follow-up" showed one learner without one."""
    for index in range(25):
        released(prison, D(2025, 3, 1), followed_up=index > 0)
    client.force_login(director)
    rows = impact_csv(client, [prison])

    heading = "Outcomes at the latest follow-up among all released learners"
    everyone = number(row(rows, "Released", after=heading)[1])
    followed = number(row(rows, "With a follow-up recorded (the denominator)", after=heading)[1])
    assert difference(everyone, followed) != 1


def test_a_second_prison_cannot_be_worked_out_from_two_reports(
    client, director, prison, other_prison
):
    for _ in range(8):
        released(prison, D(2025, 4, 1))
    for _ in range(2):
        released(other_prison, D(2025, 4, 1))
    client.force_login(director)
    one = impact_csv(client, [prison])
    both = impact_csv(client, [prison, other_prison])

    label = "Releases in the period"
    assert difference(number(row(both, label)[1]), number(row(one, label)[1])) != 2
    # Both downloads left the organisation, so both are on record for the next check.
    assert PublishedTable.objects.count() == 2


def test_a_count_pinned_by_ranges_across_reports_is_withheld(
    client, director, prison, other_prison
):
    """Rounding alone: Humber's quarters 10 and 15 (at least 8 and 13), both
    prisons' total 20 (at most 22), so Risley's "fewer than 5" is exactly 1. The
    third download withholds a figure instead."""
    for month, count in ((2, 8), (5, 13)):
        for _ in range(count):
            released(prison, D(2025, month, 10))
    released(other_prison, D(2025, 2, 10))
    client.force_login(director)
    humber = impact_csv(client, [prison])
    assert [row(humber, f"2025 Q{q}")[3] for q in (1, 2)] == ["10", "15"]
    risley = impact_csv(client, [other_prison])
    assert row(risley, "2025 Q1")[3] == "fewer than 5"
    both = impact_csv(client, [prison, other_prison])

    shown = [row(both, "Releases in the period")[1]] + [
        row(both, f"2025 Q{q}")[3] for q in (1, 2, 3, 4)
    ]
    assert "withheld" in shown
    assert PublishedTable.objects.count() == 3


def _bounds(text: str) -> tuple[int, int]:
    """What a reader learns from a cell of the CSV."""
    if text == "fewer than 5":
        return 1, 4
    if text == "withheld":
        return 0, UNBOUNDED
    shown = int(text.replace(",", ""))
    return (0, 0) if shown == 0 else (max(shown - 2, 5), shown + 2)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds, plan=reports)
# Each once got through: a chain of releases that share no prison end to end, and
# a total less one quarter's row bounding the other quarter.
@example(
    world={(1, 0): 4, (1, 1): 0, (2, 0): 4, (2, 1): 0},
    plan=[((1,), (0,)), ((1, 2), (0,)), ((2,), (0,))],
)
@example(
    world={(1, 0): 7, (1, 1): 6, (2, 0): 4, (2, 1): 1},
    plan=[((1,), (0,)), ((1,), (1,)), ((2,), (0,)), ((1, 2), (0, 1))],
)
def test_downloaded_reports_give_away_no_small_count(
    client, director, prison, other_prison, world, plan
):
    """The generated attacker (tests/reports/test_disclosure_attacker.py) against
    real downloads: releases per prison and quarter in the database, a series of
    impact CSVs for generated prisons and quarters, and every world that fits the
    releases they show."""
    PublishedTable.objects.all().delete()
    Learner.objects.filter(prison__in=[prison, other_prison]).delete()
    prisons = {1: prison, 2: other_prison}
    for (number, quarter), count in world.items():
        for _ in range(count):
            released(prisons[number], QUARTERS[quarter][0] + dt.timedelta(days=9))
    client.force_login(director)
    published = []
    for numbers, quarters in plan:
        start, end = QUARTERS[quarters[0]][0], QUARTERS[quarters[-1]][1]
        response = client.get(
            reverse("reports:impact_csv"),
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "prisons": [prisons[n].pk for n in numbers],
            },
        )
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        shown = {(start, end): row(rows, "Releases in the period")[1]}
        for quarter in quarters:
            shown[QUARTERS[quarter]] = row(rows, f"2025 Q{quarter + 1}")[3]
        for (first, last), cell in shown.items():
            released_cell = Cell(("releases",), frozenset(numbers), first, last)
            published.append(Published(released_cell, *_bounds(cell)))
    assert recovered(world, published) == []
