"""The review schedule, computed in one place. Pure functions: no database, the
day passed in (or today's local date), so every rule is tested with a frozen clock.

The rules (journey step 4):

* The first review is due 12 weeks after the intake interview; each next one 12
  weeks after the previous review was held.
* A review is *due* from 14 days before its due date, and *overdue* after it.
* A pause stops the clock. When it ends, the new due date is the later of the old
  due date and the end of the pause plus 14 days. A pause that starts after the
  due date cannot hide the overdue review: it is ignored.
* If the expected release date comes before the next due date, a pre-release
  review is due four weeks before release, and overdue after that like any other
  (held late, it counts late). Only a review marked pre-release is the
  pre-release review; once it is held, nothing more is scheduled before release.
* After release, graduation or withdrawal no further reviews are scheduled; nor
  before the intake interview.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

REVIEW_INTERVAL = dt.timedelta(weeks=12)
DUE_WINDOW = dt.timedelta(days=14)
PAUSE_GRACE = dt.timedelta(days=14)
PRE_RELEASE_LEAD = dt.timedelta(weeks=4)

# Course and custody statuses after which no review is scheduled.
NO_REVIEW_COURSE_STATUSES = frozenset({"referred", "graduated", "withdrawn"})
NO_REVIEW_CUSTODY_STATUSES = frozenset({"released"})


class ReviewState(StrEnum):
    NONE = "none"  # nothing scheduled (before intake, after release/graduation/withdrawal)
    PAUSED = "paused"
    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            "none": "No review scheduled",
            "paused": "Paused",
            "not_due": "Not due yet",
            "due": "Due",
            "overdue": "Overdue",
        }[self.value]


@dataclass(frozen=True)
class Pause:
    started_on: dt.date
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class Schedule:
    due_on: dt.date | None
    state: ReviewState
    pre_release: bool = False
    reason: str = ""

    @property
    def label(self) -> str:
        if self.pre_release and self.state in (ReviewState.NOT_DUE, ReviewState.DUE):
            return f"Pre-release review {self.state.label.lower()}"
        if self.pre_release and self.state is ReviewState.OVERDUE:
            return "Pre-release review overdue"
        return self.state.label

    @property
    def in_work_queue(self) -> bool:
        return self.state in (ReviewState.DUE, ReviewState.OVERDUE)

    @property
    def stored_due_on(self) -> dt.date | None:
        """What goes on `Learner.next_review_due_on`: nothing while paused (the
        clock is stopped) or when no review is scheduled."""
        return self.due_on if self.state not in (ReviewState.NONE, ReviewState.PAUSED) else None


NOTHING = Schedule(None, ReviewState.NONE)


def state_for(due_on: dt.date, today: dt.date) -> ReviewState:
    if today > due_on:
        return ReviewState.OVERDUE
    if today >= due_on - DUE_WINDOW:
        return ReviewState.DUE
    return ReviewState.NOT_DUE


def next_review(
    *,
    intake_completed_on: dt.date | None,
    last_held_on: dt.date | None = None,
    last_was_pre_release: bool = False,
    pauses: Iterable[Pause] = (),
    expected_release_on: dt.date | None = None,
    course_status: str = "active",
    custody_status: str = "in_custody",
    today: dt.date | None = None,
) -> Schedule:
    """When the next review is due, and whether it is due, overdue or paused today."""
    today = today or timezone.localdate()
    if custody_status in NO_REVIEW_CUSTODY_STATUSES:
        return Schedule(None, ReviewState.NONE, reason="Released: no further reviews.")
    if course_status in NO_REVIEW_COURSE_STATUSES:
        reason = {
            "referred": "Reviews start after the intake interview.",
            "graduated": "Graduated: no further reviews.",
            "withdrawn": "Withdrawn: no further reviews.",
        }[course_status]
        return Schedule(None, ReviewState.NONE, reason=reason)
    if intake_completed_on is None:
        return Schedule(None, ReviewState.NONE, reason="Reviews start after the intake interview.")

    anchor = max(intake_completed_on, last_held_on) if last_held_on else intake_completed_on
    due_on = anchor + REVIEW_INTERVAL

    for pause in sorted(pauses, key=lambda p: p.started_on):
        if pause.started_on > today:
            continue  # not begun yet
        if pause.ended_on is not None and pause.ended_on < anchor:
            continue  # over before this review period began
        if pause.started_on > due_on:
            continue  # a pause cannot hide a review that was already overdue
        if pause.ended_on is None or pause.ended_on > today:
            return Schedule(due_on, ReviewState.PAUSED, reason="Reviews are paused.")
        due_on = max(due_on, pause.ended_on + PAUSE_GRACE)

    if expected_release_on is not None and expected_release_on < due_on:
        pre_release_on = expected_release_on - PRE_RELEASE_LEAD
        if last_was_pre_release:
            return Schedule(
                None,
                ReviewState.NONE,
                pre_release=True,
                reason="The pre-release review has been held.",
            )
        # Due four weeks before release, and overdue after that like any review:
        # a missed pre-release review does not creep forward to "today".
        return Schedule(pre_release_on, state_for(pre_release_on, today), pre_release=True)

    return Schedule(due_on, state_for(due_on, today))
