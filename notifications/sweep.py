"""The reminder sweep: what is due, for whom. The beat task and
`manage.py run_reminders` run this same code.

Each finder takes the day and optionally the prisons to look at (the weekly
digest passes a regional manager's prisons) and returns Findings with a fixed number of
set-based queries whatever the number of learners: no query runs per learner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q

from accounts.models import Role
from learners.models import CourseStatus, Learner
from notifications.models import NotificationKind
from resettlement.models import FollowUp, PathwayStatus, PlanPathway
from reviews.models import Intervention, InterventionStatus
from reviews.schedule import NO_REVIEW_COURSE_STATUSES, NO_REVIEW_CUSTODY_STATUSES

INTAKE_GRACE_DAYS = 14
REVIEW_DUE_WITHIN_DAYS = 7
REVIEW_ESCALATE_AFTER_DAYS = 7
INTERVENTION_DUE_WITHIN_DAYS = 1
RELEASE_WITHIN_DAYS = 12 * 7
FOLLOW_UP_DUE_WITHIN_DAYS = 7
PATHWAY_SETTLED = (PathwayStatus.DONE, PathwayStatus.DECLINED)

LEARNER_RECORD = "learners.learner"
INTERVENTION_RECORD = "reviews.intervention"
FOLLOW_UP_RECORD = "resettlement.followup"
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


Prisons = Collection[int] | None


def _current_learners(prison_ids: Prisons):
    learners = Learner.objects.filter(anonymised_at__isnull=True)
    return learners if prison_ids is None else learners.filter(prison_id__in=list(prison_ids))


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


def intake_not_held(today: dt.date, prison_ids: Prisons = None) -> list[Finding]:
    """Referred learners whose intake interview is not held 14 days after joining
    -> their regional manager. Two queries."""
    learners = _current_learners(prison_ids).filter(
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


def _scheduled_learners(prison_ids: Prisons):
    """Learners with a review scheduled, read from the due date the review
    schedule service keeps on the learner (empty while paused)."""
    return (
        _current_learners(prison_ids)
        .filter(next_review_due_on__isnull=False)
        .exclude(course_status__in=NO_REVIEW_COURSE_STATUSES)
        .exclude(custody_status__in=NO_REVIEW_CUSTODY_STATUSES)
    )


def reviews_due(today: dt.date, prison_ids: Prisons = None) -> list[Finding]:
    """Reviews due within 7 days, and overdue reviews -> the assigned tutor (or,
    without an active tutor, the regional manager). Three queries."""
    learners = _scheduled_learners(prison_ids).filter(
        next_review_due_on__lte=today + dt.timedelta(days=REVIEW_DUE_WITHIN_DAYS)
    )
    fields = (*LEARNER_FIELDS, "next_review_due_on")
    rows = [
        *learners.filter(tutor__is_active=True).values(*fields, recipient=F("tutor_id")),
        *_regional_manager_rows(learners.exclude(tutor__is_active=True), fields),
    ]
    findings = []
    for row in rows:
        due = row["next_review_due_on"]
        overdue = due < today
        findings.append(
            Finding(
                recipient_id=row["recipient"],
                kind=NotificationKind.REVIEW_OVERDUE if overdue else NotificationKind.REVIEW_DUE,
                learner_id=row["pk"],
                object_type=LEARNER_RECORD,
                object_id=str(row["pk"]),
                due_on=due,
                summary=(
                    f"Progress review for {_who(row)} is overdue: it was due on {_date(due)}."
                    if overdue
                    else f"Progress review for {_who(row)} is due on {_date(due)}."
                ),
            )
        )
    return findings


def reviews_escalated(today: dt.date, prison_ids: Prisons = None) -> list[Finding]:
    """Reviews overdue by 7 days or more -> also the regional manager. Two queries."""
    learners = _scheduled_learners(prison_ids).filter(
        next_review_due_on__lte=today - dt.timedelta(days=REVIEW_ESCALATE_AFTER_DAYS)
    )
    findings = []
    for row in _regional_manager_rows(learners, (*LEARNER_FIELDS, "next_review_due_on")):
        due = row["next_review_due_on"]
        findings.append(
            Finding(
                recipient_id=row["recipient"],
                kind=NotificationKind.REVIEW_ESCALATED,
                learner_id=row["pk"],
                object_type=LEARNER_RECORD,
                object_id=str(row["pk"]),
                due_on=due,
                summary=(
                    f"Progress review for {_who(row)} is a week or more overdue: "
                    f"it was due on {_date(due)}."
                ),
            )
        )
    return findings


def interventions_due(today: dt.date, prison_ids: Prisons = None) -> list[Finding]:
    """Open interventions due tomorrow (or today) or overdue -> their owner (or,
    when the owner has left, the learner's regional manager). Three queries.
    The summary never names the intervention's type or description: a referral
    can itself be health or recovery information."""
    interventions = Intervention.objects.filter(
        status=InterventionStatus.OPEN,
        due_on__lte=today + dt.timedelta(days=INTERVENTION_DUE_WITHIN_DAYS),
        learner__anonymised_at__isnull=True,
    )
    if prison_ids is not None:
        interventions = interventions.filter(learner__prison_id__in=list(prison_ids))
    fields = {
        "intervention_id": F("pk"),
        "intervention_due_on": F("due_on"),
        **{f"learner_{name}": F(f"learner__{name}") for name in LEARNER_FIELDS},
    }
    orphaned = interventions.exclude(owner__is_active=True)
    rows = [
        *interventions.filter(owner__is_active=True).values(**fields, recipient=F("owner_id")),
        *orphaned.filter(learner__regional_manager__is_active=True).values(
            **fields, recipient=F("learner__regional_manager_id")
        ),
        *orphaned.exclude(learner__regional_manager__is_active=True)
        .filter(
            learner__prison__staff__role=Role.REGIONAL_MANAGER,
            learner__prison__staff__is_active=True,
        )
        .values(**fields, recipient=F("learner__prison__staff__pk")),
    ]
    findings = []
    for row in rows:
        due = row["intervention_due_on"]
        overdue = due < today
        who = _who(row, "learner_")
        findings.append(
            Finding(
                recipient_id=row["recipient"],
                kind=(
                    NotificationKind.INTERVENTION_OVERDUE
                    if overdue
                    else NotificationKind.INTERVENTION_DUE
                ),
                learner_id=row["learner_pk"],
                object_type=INTERVENTION_RECORD,
                object_id=str(row["intervention_id"]),
                due_on=due,
                summary=(
                    f"An intervention for {who} is overdue: it was due on {_date(due)}."
                    if overdue
                    else f"An intervention for {who} is due on {_date(due)}."
                ),
            )
        )
    return findings


def releases_with_incomplete_plan(today: dt.date, prison_ids: Prisons = None) -> list[Finding]:
    """Learners in custody expected to be released within 12 weeks whose
    resettlement plan is missing or has a pathway neither done nor declined
    -> the regional manager. Two queries."""
    unsettled = PlanPathway.objects.filter(plan__learner=OuterRef("pk")).exclude(
        status__in=PATHWAY_SETTLED
    )
    learners = (
        _current_learners(prison_ids)
        .exclude(custody_status__in=NO_REVIEW_CUSTODY_STATUSES)
        .filter(
            expected_release_on__gte=today,
            expected_release_on__lte=today + dt.timedelta(days=RELEASE_WITHIN_DAYS),
        )
        .filter(Q(resettlement_plan__isnull=True) | Exists(unsettled))
    )
    findings = []
    for row in _regional_manager_rows(learners, (*LEARNER_FIELDS, "expected_release_on")):
        due = row["expected_release_on"]
        findings.append(
            Finding(
                recipient_id=row["recipient"],
                kind=NotificationKind.RELEASE_PLAN_INCOMPLETE,
                learner_id=row["pk"],
                object_type=LEARNER_RECORD,
                object_id=str(row["pk"]),
                due_on=due,
                summary=(
                    f"{_who(row)} is expected to be released on {_date(due)} and the "
                    "resettlement plan is not complete."
                ),
            )
        )
    return findings


def follow_ups_due(today: dt.date, prison_ids: Prisons = None) -> list[Finding]:
    """Post-release outcome follow-ups due within 7 days or overdue, not yet
    recorded -> the regional manager. Two queries."""
    follow_ups = FollowUp.objects.filter(
        confirmed_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=FOLLOW_UP_DUE_WITHIN_DAYS),
        release__returned_to_custody_on__isnull=True,
        learner__anonymised_at__isnull=True,
    )
    if prison_ids is not None:
        follow_ups = follow_ups.filter(learner__prison_id__in=list(prison_ids))
    fields = {
        "follow_up_id": F("pk"),
        "follow_up_due_on": F("due_on"),
        "follow_up_months": F("months"),
        **{f"learner_{name}": F(f"learner__{name}") for name in LEARNER_FIELDS},
    }
    rows = [
        *follow_ups.filter(learner__regional_manager__is_active=True).values(
            **fields, recipient=F("learner__regional_manager_id")
        ),
        *follow_ups.exclude(learner__regional_manager__is_active=True)
        .filter(
            learner__prison__staff__role=Role.REGIONAL_MANAGER,
            learner__prison__staff__is_active=True,
        )
        .values(**fields, recipient=F("learner__prison__staff__pk")),
    ]
    findings = []
    for row in rows:
        due = row["follow_up_due_on"]
        months = row["follow_up_months"]
        when = "was due" if due < today else "is due"
        findings.append(
            Finding(
                recipient_id=row["recipient"],
                kind=NotificationKind.FOLLOW_UP_DUE,
                learner_id=row["learner_pk"],
                object_type=FOLLOW_UP_RECORD,
                object_id=str(row["follow_up_id"]),
                due_on=due,
                summary=(
                    f"The {months}-month outcome follow-up for {_who(row, 'learner_')} "
                    f"{when} on {_date(due)}."
                ),
            )
        )
    return findings


Finder = Callable[[dt.date, Prisons], list[Finding]]

FINDERS: dict[str, Finder] = {
    "reviews_due": reviews_due,
    "reviews_escalated": reviews_escalated,
    "intake_not_held": intake_not_held,
    "interventions_due": interventions_due,
    "releases_with_incomplete_plan": releases_with_incomplete_plan,
    "follow_ups_due": follow_ups_due,
}


def find_all(today: dt.date, prison_ids: Prisons = None) -> list[Finding]:
    """Every finding for the day, deduplicated on the notification key."""
    seen: dict[tuple, Finding] = {}
    for finder in FINDERS.values():
        for finding in finder(today, prison_ids):
            seen.setdefault(finding.key, finding)
    return sorted(seen.values(), key=lambda f: (f.due_on, f.kind, f.object_id, f.recipient_id))
