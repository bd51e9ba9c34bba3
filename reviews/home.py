"""The work queue on the home page, by role.

* Tutor: reviews due (within 14 days) and overdue for the learners they tutor,
  soonest first, and the open interventions they own.
* Regional manager: the same across their prisons (every learner, every open
  intervention), with counts per prison.
* Director and administrator: counts of due and overdue reviews per prison.

A fixed number of queries whatever the caseload: lists are cut at QUEUE_LIMIT
rows and counted in the database."""

from __future__ import annotations

from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.home import HomeSection
from accounts.models import Role
from accounts.selectors import prisons_for_user
from reviews.selectors import (
    open_interventions_for_user,
    review_counts_by_prison,
    reviews_due_for_user,
)

QUEUE_LIMIT = 50


def _queue(user, today) -> dict:
    due = reviews_due_for_user(user, today=today)
    interventions = open_interventions_for_user(user)
    return {
        "reviews": list(due[:QUEUE_LIMIT]),
        "review_count": due.count(),
        "interventions": list(interventions[:QUEUE_LIMIT]),
        "intervention_count": interventions.count(),
    }


def _every_prison(user, counts: list[dict]) -> list[dict]:
    """One row per prison the user covers, with nothing due shown as 0 (a prison
    with no reviews due was missing), plus any other prison that has counts."""
    rows = {row["prison__code"]: row for row in counts}
    for prison in prisons_for_user(user):
        rows.setdefault(
            prison.code,
            {"prison__name": prison.name, "prison__code": prison.code, "due": 0, "overdue": 0},
        )
    return sorted(rows.values(), key=lambda row: row["prison__name"])


def home_sections(request) -> list[HomeSection]:
    user = request.user
    access = access_for(user)
    if not access.can(Capability.VIEW_LEARNER_RECORD):
        return []
    today = timezone.localdate()
    context: dict = {"today": today, "limit": QUEUE_LIMIT, "role": access.role}
    if access.role in (Role.TUTOR, Role.REGIONAL_MANAGER):
        context.update(_queue(user, today))
    if access.role != Role.TUTOR:
        counts = _every_prison(user, review_counts_by_prison(user, today=today))
        context["prison_counts"] = counts
        context["prison_due_total"] = sum(row["due"] for row in counts)
        context["prison_overdue_total"] = sum(row["overdue"] for row in counts)
    return [HomeSection("reviews/home/work_queue.html", context)]
