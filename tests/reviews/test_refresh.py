"""The batched nightly refresh (reviews.refresh) gives every learner the date the
per-learner rule gives, in a fixed number of queries per chunk."""

import datetime as dt
import random

import pytest

from learners.models import CourseStatus, CustodyStatus, Learner
from reviews.models import PauseReason, Review, ReviewPause, ReviewStatus
from reviews.refresh import schedule_refresh_all
from reviews.selectors import schedule_for
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def varied_world(prison, count: int, *, seed: int = 12) -> list[Learner]:
    """Learners in every state the schedule knows: no intake, reviews held on
    time, late, pre-release, drafts, pauses open, closed and late, release near
    or passed, every course and custody status, and stored dates that are wrong."""
    rng = random.Random(seed)
    learners = []
    for _ in range(count):
        intake = rng.choice([None, TODAY - dt.timedelta(days=rng.randint(0, 600))])
        learner = LearnerFactory(
            prison=prison,
            joined_on=TODAY - dt.timedelta(days=700),
            intake_completed_on=intake,
            course_status=rng.choice(
                [CourseStatus.ACTIVE] * 4
                + [CourseStatus.PAUSED, CourseStatus.GRADUATED, CourseStatus.WITHDRAWN]
                + ([CourseStatus.REFERRED] if intake is None else [])
            ),
            custody_status=rng.choice([CustodyStatus.IN_CUSTODY] * 4 + [CustodyStatus.RELEASED]),
            expected_release_on=rng.choice(
                [None, TODAY + dt.timedelta(days=rng.randint(-30, 300))]
            ),
            next_review_due_on=rng.choice(
                [None, TODAY + dt.timedelta(days=rng.randint(-100, 100))]
            ),
        )
        if intake is not None:
            held = intake
            for _ in range(rng.randint(0, 4)):
                held = held + dt.timedelta(days=rng.randint(40, 120))
                if held > TODAY:
                    break
                Review.objects.create(
                    learner=learner,
                    status=ReviewStatus.COMPLETE,
                    held_on=held,
                    due_on=held,
                    pre_release=rng.random() < 0.15,
                )
            if rng.random() < 0.3:
                Review.objects.create(learner=learner, status=ReviewStatus.DRAFT)
            started = intake
            for number in range(rng.choice([0, 0, 1, 2])):
                started = started + dt.timedelta(days=rng.randint(0, 250))
                ended = started + dt.timedelta(days=rng.randint(1, 60))
                if number == 1 and rng.random() < 0.5:
                    ended = None  # at most one open pause, the last
                ReviewPause.objects.create(
                    learner=learner, reason=PauseReason.HEALTH, started_on=started, ended_on=ended
                )
                started = ended or started
        learners.append(learner)
    return learners


def test_the_batched_refresh_stores_what_the_per_learner_rule_gives(prison):
    learners = varied_world(prison, 150)
    expected = {
        learner.pk: schedule_for(learner, today=TODAY).stored_due_on for learner in learners
    }
    wrong_before = sum(
        1 for learner in learners if learner.next_review_due_on != expected[learner.pk]
    )
    assert wrong_before > 50  # the world starts with many wrong stored dates

    result = schedule_refresh_all(today=TODAY, chunk_size=40)  # several chunks

    stored = dict(Learner.objects.values_list("pk", "next_review_due_on"))
    assert stored == expected
    assert result.changed == wrong_before
    assert schedule_refresh_all(today=TODAY, chunk_size=40).changed == 0  # safe to run twice


def test_the_batched_refresh_clears_a_date_left_on_a_graduate(prison):
    graduate = LearnerFactory(
        prison=prison,
        course_status=CourseStatus.GRADUATED,
        intake_completed_on=TODAY - dt.timedelta(days=200),
        next_review_due_on=TODAY - dt.timedelta(days=3),
    )
    schedule_refresh_all(today=TODAY)
    graduate.refresh_from_db()
    assert graduate.next_review_due_on is None


@pytest.mark.parametrize("count", [5, 60])
def test_the_batched_refresh_reads_a_chunk_in_a_fixed_number_of_queries(
    prison, count, django_assert_num_queries
):
    varied_world(prison, count, seed=count)
    # One query for the ids; per chunk: lock-and-read the learners, their latest
    # reviews, their pauses, one UPDATE for the changed dates; in a test the
    # chunk's transaction is a SAVEPOINT and its RELEASE (two more).
    with django_assert_num_queries(7):
        schedule_refresh_all(today=TODAY, chunk_size=1000)
    with django_assert_num_queries(6):  # nothing changed: no UPDATE
        schedule_refresh_all(today=TODAY, chunk_size=1000)
