"""The reminder sweep: what is due, for whom. The beat task and
`manage.py run_reminders` run this same code.

Each finder takes the day and an optional learner filter (the weekly digest
passes a regional manager's prisons) and returns Findings with a fixed number of
set-based queries whatever the number of learners: no query runs per learner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q

from accounts.models import Role
from learners.models import CourseStatus, Learner
from notifications.models import NotificationKind

INTAKE_GRACE_DAYS = 14
REVIEW_DUE_WITHIN_DAYS = 7
REVIEW_ESCALATE_AFTER_DAYS = 7
INTERVENTION_DUE_WITHIN_DAYS = 1

LEARNER_RECORD = "learners.learner"
LEARNER_FIELDS = ("pk", "first_name", "preferred_name", "last_name", "prison_number")


@dataclass(frozen=True)
class Finding:
    recipient_id: int
    kind: str
    learner_id: int | None
    object_type: str
    object_id: str
    due_on: dt.date
    summary: str

    @property
    def key(self) -> tuple:
        return (self.recipient_id, self.kind, self.object_type, self.object_id, self.due_on)


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _who(row: dict, prefix: str = "") -> str:
    first = row[f"{prefix}preferred_name"] or row[f"{prefix}first_name"]
    return f"{first} {row[f'{prefix}last_name']} ({row[f'{prefix}prison_number']})"


def _current_learners(learner_filter: Q | None):
    learners = Learner.objects.filter(anonymised_at__isnull=True)
    return learners.filter(learner_filter) if learner_filter is not None else learners


def _regional_manager_rows(learners, fields: tuple[str, ...]) -> list[dict]:
    """Each learner with the regional manager to tell: the assigned one when active,
    otherwise every active regional manager of the learner's prison. Two queries."""
    assigned = learners.filter(regional_manager__is_active=True).values(
        *fields, recipient=F("regional_manager_id")
    )
    fallback = (
        learners.exclude(regional_manager__is_active=True)
        .filter(prison__staff__role=Role.REGIONAL_MANAGER, prison__staff__is_active=True)
        .values(*fields, recipient=F("prison__staff__pk"))
    )
    return [*assigned, *fallback]


def intake_not_held(today: dt.date, learner_filter: Q | None = None) -> list[Finding]:
    """Referred learners whose intake interview is not held 14 days after joining
    -> their regional manager."""
    learners = _current_learners(learner_filter).filter(
        course_status=CourseStatus.REFERRED,
        intake_completed_on__isnull=True,
        joined_on__lte=today - dt.timedelta(days=INTAKE_GRACE_DAYS),
    )
    findings = []
    for row in _regional_manager_rows(learners, (*LEARNER_FIELDS, "joined_on")):
        due = row["joined_on"] + dt.timedelta(days=INTAKE_GRACE_DAYS)
        findings.append(
            Finding(
                recipient_id=row["recipient"],
                kind=NotificationKind.INTAKE_NOT_HELD,
                learner_id=row["pk"],
                object_type=LEARNER_RECORD,
                object_id=str(row["pk"]),
                due_on=due,
                summary=f"Intake interview for {_who(row)} not held: it was due by {_date(due)}.",
            )
        )
    return findings


Finder = Callable[[dt.date, Q | None], list[Finding]]

FINDERS: dict[str, Finder] = {
    "intake_not_held": intake_not_held,
}


def find_all(today: dt.date, learner_filter: Q | None = None) -> list[Finding]:
    """Every finding for the day, deduplicated on the notification key."""
    seen: dict[tuple, Finding] = {}
    for finder in FINDERS.values():
        for finding in finder(today, learner_filter):
            seen.setdefault(finding.key, finding)
    return sorted(seen.values(), key=lambda f: (f.due_on, f.kind, f.object_id, f.recipient_id))
