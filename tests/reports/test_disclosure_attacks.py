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

from reports.models import PublishedTable
from resettlement.models import FollowUp, Outcome, OutcomeKind, Release, ReleaseType
from reviews.models import Review, ReviewStatus
from tests.factories import LearnerFactory

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
