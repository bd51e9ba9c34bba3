"""Every scheduling rule, with a frozen clock (no database)."""

import datetime as dt

from freezegun import freeze_time

from reviews.schedule import Pause, ReviewState, next_review

D = dt.date
INTAKE = D(2026, 1, 5)  # first review due 12 weeks later: 30 March 2026
FIRST_DUE = D(2026, 3, 30)


def schedule(**kwargs):
    kwargs.setdefault("intake_completed_on", INTAKE)
    return next_review(**kwargs)


@freeze_time("2026-02-01")
def test_first_review_is_due_twelve_weeks_after_the_intake_interview():
    result = schedule()
    assert result.due_on == FIRST_DUE
    assert result.state is ReviewState.NOT_DUE
    assert result.pre_release is False


@freeze_time("2026-06-01")
def test_next_review_is_due_twelve_weeks_after_the_last_one_was_held():
    # Held late (7 April): the clock restarts from the day it was held.
    result = schedule(last_held_on=D(2026, 4, 7))
    assert result.due_on == D(2026, 6, 30)
    assert result.state is ReviewState.NOT_DUE


@freeze_time("2026-03-15")
def test_due_from_fourteen_days_before_the_due_date():
    assert schedule().state is ReviewState.NOT_DUE  # 15 days before
    with freeze_time("2026-03-16"):
        assert schedule().state is ReviewState.DUE  # 14 days before
    with freeze_time("2026-03-30"):
        assert schedule().state is ReviewState.DUE  # on the day


@freeze_time("2026-03-31")
def test_overdue_the_day_after_the_due_date():
    result = schedule()
    assert result.state is ReviewState.OVERDUE
    assert result.due_on == FIRST_DUE


@freeze_time("2026-03-01")
def test_an_open_pause_stops_the_clock():
    result = schedule(pauses=[Pause(D(2026, 2, 10))])
    assert result.state is ReviewState.PAUSED
    assert result.stored_due_on is None


@freeze_time("2026-05-01")
def test_an_open_pause_keeps_the_review_paused_past_its_due_date():
    # Paused before the due date: the clock is stopped, so not overdue.
    result = schedule(pauses=[Pause(D(2026, 3, 1))])
    assert result.state is ReviewState.PAUSED


@freeze_time("2026-04-20")
def test_pause_end_extends_to_fourteen_days_after_the_pause_when_that_is_later():
    # Paused 1 March to 15 April; old due date 30 March; 15 April + 14 days = 29 April.
    result = schedule(pauses=[Pause(D(2026, 3, 1), D(2026, 4, 15))])
    assert result.due_on == D(2026, 4, 29)
    assert result.state is ReviewState.DUE


@freeze_time("2026-02-20")
def test_pause_end_keeps_the_old_due_date_when_that_is_later():
    # Paused 1 to 10 February: 10 Feb + 14 days = 24 Feb, before 30 March.
    result = schedule(pauses=[Pause(D(2026, 2, 1), D(2026, 2, 10))])
    assert result.due_on == FIRST_DUE
    assert result.state is ReviewState.NOT_DUE


@freeze_time("2026-04-10")
def test_a_pause_after_the_due_date_cannot_hide_an_overdue_review():
    # Due 30 March, paused on 5 April: still overdue, not paused.
    result = schedule(pauses=[Pause(D(2026, 4, 5))])
    assert result.state is ReviewState.OVERDUE
    assert result.due_on == FIRST_DUE
    # ... nor once that pause has ended.
    with freeze_time("2026-05-10"):
        ended = schedule(pauses=[Pause(D(2026, 4, 5), D(2026, 5, 1))])
        assert ended.state is ReviewState.OVERDUE
        assert ended.due_on == FIRST_DUE


@freeze_time("2026-07-01")
def test_a_pause_before_the_last_review_does_not_move_the_next_one():
    result = schedule(last_held_on=D(2026, 4, 1), pauses=[Pause(D(2026, 2, 1), D(2026, 2, 20))])
    assert result.due_on == D(2026, 6, 24)
    assert result.state is ReviewState.OVERDUE


@freeze_time("2026-01-20")
def test_pre_release_review_four_weeks_before_a_release_that_comes_first():
    result = schedule(expected_release_on=D(2026, 3, 1))
    assert result.pre_release is True
    assert result.due_on == D(2026, 2, 1)
    assert result.state is ReviewState.DUE
    assert "Pre-release" in result.label


@freeze_time("2026-02-20")
def test_pre_release_review_is_overdue_when_four_weeks_before_release_has_passed():
    # Issue 12, defect 6: it used to move to "today" every day, never overdue.
    result = schedule(expected_release_on=D(2026, 3, 1))
    assert result.pre_release is True
    assert result.due_on == D(2026, 2, 1)
    assert result.state is ReviewState.OVERDUE


@freeze_time("2026-02-01")
def test_no_pre_release_review_when_release_is_after_the_next_due_date():
    result = schedule(expected_release_on=D(2026, 9, 1))
    assert result.pre_release is False
    assert result.due_on == FIRST_DUE


@freeze_time("2026-02-20")
def test_nothing_more_is_scheduled_once_the_pre_release_review_is_held():
    result = schedule(
        expected_release_on=D(2026, 3, 1), last_held_on=D(2026, 2, 10), last_was_pre_release=True
    )
    assert result.state is ReviewState.NONE
    assert result.due_on is None


@freeze_time("2026-03-01")
def test_no_review_after_release():
    result = schedule(custody_status="released")
    assert result.state is ReviewState.NONE
    assert result.due_on is None
    assert result.stored_due_on is None


@freeze_time("2026-03-01")
def test_reviews_resume_after_a_return_to_custody():
    result = schedule(custody_status="returned_to_custody")
    assert result.due_on == FIRST_DUE


@freeze_time("2026-03-01")
def test_no_review_after_graduation_or_withdrawal():
    assert schedule(course_status="graduated").state is ReviewState.NONE
    assert schedule(course_status="withdrawn").state is ReviewState.NONE


@freeze_time("2026-03-01")
def test_no_review_before_the_intake_interview():
    assert next_review(intake_completed_on=None).state is ReviewState.NONE
    assert schedule(course_status="referred").state is ReviewState.NONE
