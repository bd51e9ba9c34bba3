"""The nightly refresh of every learner's stored next review date, a chunk at a time.

The rule is the one `schedule_refresh` applies to one learner
(`reviews.selectors.schedule_from`); only the reads and writes are batched: per
chunk of learners, one query locks and reads the learners, one reads each one's
latest complete review, one their pauses, and one `bulk_update` writes the rows
whose date changed. 20,000 learners take a few seconds instead of minutes.

Each chunk is its own transaction and locks its learners first (in pk order), so
a review completed at the same moment either commits before the chunk reads (and
is seen) or waits and writes its own date after the chunk (and wins).

It publishes no `ReviewScheduleChanged`: a date that moves overnight (time passing,
not a change someone made) is picked up by the reminder sweep that runs after it,
which resolves reminders no longer due, so the refresh keeps its fixed query count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from learners.models import Learner
from reviews.models import Review, ReviewPause, ReviewStatus
from reviews.schedule import Pause, ReviewState
from reviews.selectors import schedule_from

CHUNK_SIZE = 1000
LEARNER_FIELDS = (
    "intake_completed_on",
    "expected_release_on",
    "course_status",
    "custody_status",
    "next_review_due_on",
    "reviews_paused",
)


@dataclass(frozen=True)
class RefreshResult:
    looked_at: int
    changed: int


def learners_to_refresh():
    """Everyone whose stored date may be due a change: whoever has had an intake
    interview, and whoever still carries a date (so a date left behind by a status
    change is cleared too)."""
    return Learner.objects.filter(
        Q(intake_completed_on__isnull=False) | Q(next_review_due_on__isnull=False)
    )


def _latest_complete_reviews(learner_ids: list[int]) -> dict[int, Review]:
    reviews = Review.objects.filter(learner_id__in=learner_ids, status=ReviewStatus.COMPLETE).only(
        "learner_id", "held_on", "pre_release"
    )
    if connection.features.can_distinct_on_fields:
        latest = reviews.order_by("learner_id", "-held_on", "-pk").distinct("learner_id")
        return {review.learner_id: review for review in latest}
    # SQLite (the embedded default): newest first, keep the first per learner.
    found: dict[int, Review] = {}
    for review in reviews.order_by("-held_on", "-pk"):
        found.setdefault(review.learner_id, review)
    return found


def _pauses(learner_ids: list[int]) -> dict[int, list[Pause]]:
    pauses: dict[int, list[Pause]] = {}
    rows = ReviewPause.objects.filter(learner_id__in=learner_ids).values_list(
        "learner_id", "started_on", "ended_on"
    )
    for learner_id, started_on, ended_on in rows:
        pauses.setdefault(learner_id, []).append(Pause(started_on, ended_on))
    return pauses


def schedule_refresh_chunk(learner_ids: list[int], *, today: dt.date) -> int:
    """Recompute and store the next review date of these learners; returns how
    many dates changed."""
    with transaction.atomic():
        learners = list(
            Learner.objects.select_for_update()
            .filter(pk__in=learner_ids)
            .order_by("pk")
            .only(*LEARNER_FIELDS)
        )
        latest = _latest_complete_reviews(learner_ids)
        pauses = _pauses(learner_ids)
        changed = []
        for learner in learners:
            schedule = schedule_from(
                learner,
                last=latest.get(learner.pk),
                pauses=pauses.get(learner.pk, []),
                today=today,
            )
            due_on = schedule.stored_due_on
            paused = schedule.state is ReviewState.PAUSED
            if learner.next_review_due_on == due_on and learner.reviews_paused == paused:
                continue
            learner.next_review_due_on = due_on
            learner.reviews_paused = paused
            changed.append(learner)
        if changed:
            Learner.objects.bulk_update(
                changed, ["next_review_due_on", "reviews_paused"], batch_size=CHUNK_SIZE
            )
    return len(changed)


def schedule_refresh_all(
    *, today: dt.date | None = None, chunk_size: int = CHUNK_SIZE
) -> RefreshResult:
    """The nightly refresh: every learner who may have a review date, a chunk at a time."""
    today = today or timezone.localdate()
    ids = list(learners_to_refresh().order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), chunk_size):
        changed += schedule_refresh_chunk(ids[start : start + chunk_size], today=today)
    return RefreshResult(looked_at=len(ids), changed=changed)
