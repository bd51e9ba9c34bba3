"""Resettlement: the plan shared with the prison, release, support after release,
outcome follow-ups, employers and their opportunities, and mentors.

Outcomes are stored one row per outcome kind per follow-up, with the learner and
the follow-up's confirmed date copied onto the row, so a report can count "the
share of released learners with each outcome at their latest follow-up" in one
set-based query (see `resettlement.outcomes`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from learners.models import Consent, Learner
from learners.restricted import WhollyRestrictedQuerySet


class Pathway(models.TextChoices):
    ACCOMMODATION = "accommodation", "Accommodation"
    ATTITUDES = "attitudes", "Attitudes, thinking and behaviour"
    FAMILIES = "families", "Children, families and communities"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs and alcohol"
    EDUCATION_WORK = "education_work", "Education, skills and work"
    FINANCE_ID = "finance_id", "Finance and ID"
    HEALTH = "health", "Health"


class PathwayStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    SUPPORT_NEEDED = "support_needed", "Support needed"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DECLINED = "declined", "Support declined"


class ResettlementPlan(models.Model):
    learner = models.OneToOneField(
        Learner, on_delete=models.CASCADE, related_name="resettlement_plan"
    )
    started_on = models.DateField(default=timezone.localdate)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Resettlement plan for {self.learner}"


class PlanPathway(models.Model):
    plan = models.ForeignKey(ResettlementPlan, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(max_length=20, choices=Pathway.choices)
    status = models.CharField(
        max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.NOT_STARTED
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "pathway"], name="plan_pathway_once"),
        ]

    def __str__(self) -> str:
        return self.get_pathway_display()


class ActionOwner(models.TextChoices):
    CODE4000 = "code4000", "Code4000"
    PRISON = "prison", "Prison"
    PROBATION = "probation", "Probation"
    LEARNER = "learner", "Learner"
    OTHER = "other", "Other"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    NOT_NEEDED = "not_needed", "Not needed"


# The statuses OMU staff (and Code4000 staff) set with an update to an action.
UPDATE_STATUSES = (
    ActionStatus.NOT_STARTED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.NOT_NEEDED,
)


class PlanAction(models.Model):
    pathway = models.ForeignKey(PlanPathway, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner_organisation = models.CharField(max_length=20, choices=ActionOwner.choices)
    owner_name = models.CharField("named owner", max_length=120, blank=True)
    due_on = models.DateField("due date", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def owned_by_prison(self) -> bool:
        return self.owner_organisation == ActionOwner.PRISON


class ActionUpdate(models.Model):
    """One dated entry in an action's log."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField(default=timezone.localdate)
    text = models.TextField()
    # The status the action was set to with this update; blank for older updates.
    status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Update of {self.written_on:%d %b %Y}"


class PlanComment(models.Model):
    plan = models.ForeignKey(ResettlementPlan, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment of {self.created_at:%d %b %Y}"


class ShareEvent(models.TextChoices):
    SHARED = "shared", "Plan shared with the prison's OMU"
    VIEWED = "viewed", "Plan viewed"
    ACTION_UPDATED = "action_updated", "Update added to an action"
    COMMENTED = "commented", "Comment added"


class PlanShareLog(models.Model):
    """Every share with, and every view or change by, the prison's OMU: who, what,
    when, under which consent. Append-only: the services only ever create rows."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="plan_shares")
    plan = models.ForeignKey(ResettlementPlan, on_delete=models.CASCADE, related_name="shares")
    # CASCADE: a consent is withdrawn by date, never deleted, except when the
    # learner is erased (the audit trail keeps the events).
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="plan_shares")
    event = models.CharField(max_length=20, choices=ShareEvent.choices)
    what = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    prison = models.ForeignKey("accounts.Prison", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)

    # Who saw the plan when: for roles that see restricted records only.
    objects = WhollyRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_event_display()} at {self.occurred_at:%d %b %Y %H:%M}"


# Release, return to custody and support after release


class ReleaseType(models.TextChoices):
    LICENCE = "licence", "Licence"
    END_OF_SENTENCE = "end_of_sentence", "End of sentence"
    PAROLE = "parole", "Parole"
    HDC = "hdc", "Home detention curfew"
    OTHER = "other", "Other"


class Release(models.Model):
    """One release from custody. A learner who returns to custody and is released
    again has a second Release, with its own follow-up schedule."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="releases")
    released_on = models.DateField("release date")
    release_type = models.CharField(max_length=20, choices=ReleaseType.choices)
    area = models.CharField("release area", max_length=120)
    support_agreed = models.TextField(blank=True)
    # Where the learner agreed to be contacted after release (with the consent to
    # contact after release): the self-report invitations go here. Shown only to
    # those who change learner records (regional managers).
    contact_email = models.EmailField(
        "email for contact after release (optional)",
        blank=True,
        help_text="Invitations to tell us how they are doing are sent here, if the learner "
        "consented to contact after release.",
    )
    returned_to_custody_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released_on", "-pk"]
        indexes = [models.Index(fields=["learner", "-released_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(returned_to_custody_on__isnull=True)
                | models.Q(returned_to_custody_on__gte=models.F("released_on")),
                name="release_return_after_release",
            )
        ]

    def __str__(self) -> str:
        return f"Released {self.released_on:%d %b %Y}"


FOLLOW_UP_MONTHS: tuple[int, ...] = (1, 3, 6, 12, 24)


class OutcomeSource(models.TextChoices):
    LEARNER = "learner", "Learner"
    EMPLOYER = "employer", "Employer"
    PROBATION = "probation", "Probation"
    OTHER = "other", "Other"


class FollowUp(models.Model):
    """An outcome follow-up due a number of months after a release. Done once
    `confirmed_on` is set; overdue while it is not and `due_on` has passed."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="follow_ups")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    confirmed_on = models.DateField("date confirmed", null=True, blank=True)
    source = models.CharField(max_length=20, choices=OutcomeSource.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["release", "months"], name="follow_up_once_per_month"),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="follow_up_open_due",
                condition=models.Q(confirmed_on__isnull=True),
            ),
            models.Index(fields=["learner", "-confirmed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.months}-month follow-up"

    @property
    def is_done(self) -> bool:
        return self.confirmed_on is not None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.confirmed_on is None and self.due_on < today


class OutcomeKind(models.TextChoices):
    EMPLOYED_TECH = "employed_tech", "Employed in tech"
    EMPLOYED_OTHER = "employed_other", "Employed outside tech"
    SELF_EMPLOYED_TECH = "self_employed_tech", "Self-employed or own business in tech"
    SELF_EMPLOYED_OTHER = "self_employed_other", "Self-employed or own business outside tech"
    TRAINING = "training", "Further training"
    EDUCATION = "education", "Further or higher education"
    VOLUNTEERING = "volunteering", "Volunteering"
    OTHER_PRIORITIES = "other_priorities", "Other priorities (housing, recovery, family)"
    NOT_IN_ACTIVITY = "not_in_activity", "Not in activity"
    RETURNED_TO_CUSTODY = "returned_to_custody", "Returned to custody"
    LOST_CONTACT = "lost_contact", "Lost contact"


class TechLevel(models.TextChoices):
    JUNIOR = "junior", "Junior"
    APPRENTICE = "apprentice", "Apprentice"
    OTHER = "other", "Other"


class Outcome(models.Model):
    """One outcome found at one follow-up. `learner` and `confirmed_on` are copied
    from the follow-up so reports count outcomes without joining back."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="outcomes")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="outcomes")
    confirmed_on = models.DateField()
    kind = models.CharField(max_length=30, choices=OutcomeKind.choices)
    # Employed in tech (role and employer also used for other employment).
    role = models.CharField(max_length=120, blank=True)
    employer_name = models.CharField("employer", max_length=120, blank=True)
    tech_level = models.CharField(max_length=20, choices=TechLevel.choices, blank=True)
    started_on = models.DateField("start date", null=True, blank=True)
    # A bootcamp's name, a course, the priority being worked on.
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["follow_up", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "kind"], name="outcome_once_per_follow_up"
            ),
        ]
        indexes = [models.Index(fields=["kind", "learner", "-confirmed_on"])]

    def __str__(self) -> str:
        return self.get_kind_display()


# Outcomes reported by learners themselves, and the links that let them


class LinkPurpose(models.TextChoices):
    SELF_REPORT = "self_report", "Tell us how you are doing"
    PROGRESS = "progress", "See your progress"


class LearnerLink(models.Model):
    """A single-use link sent to a released learner (issue 18). Only the SHA-256 of
    the token is stored; the token itself exists only in the message sent. A
    self-report link belongs to one follow-up and is sent at most once
    (`sent_at`, claimed by the worker that sends it)."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="links")
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The worker's claim, then the moment the message left; the link expires 30
    # days after it was sent.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    birth_date_failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up"],
                condition=models.Q(purpose="self_report"),
                name="learner_link_one_self_report_per_follow_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.token_hash is not None
            and self.used_at is None
            and self.expires_at is not None
            and self.expires_at > now
        )


class SelfReport(models.Model):
    """What a learner said about a follow-up through their link: waits, "reported
    by the learner, to confirm", until a regional manager records the follow-up
    (which is when it counts in any figure)."""

    follow_up = models.OneToOneField(FollowUp, on_delete=models.CASCADE, related_name="self_report")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="self_reports")
    kinds = models.JSONField(default=list)
    employer_or_course = models.CharField(max_length=200, blank=True)
    wants_support = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="self_report_to_confirm",
                condition=models.Q(confirmed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Reported by the learner on {self.received_at:%d %b %Y}"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(OutcomeKind.choices)
        return [labels.get(kind, kind) for kind in self.kinds]


class LinkAttempt(models.Model):
    """A failed attempt at a learner link (an unknown, expired or used token, or a
    wrong date of birth), kept an hour to limit attempts per client address. The
    address is kept only as a keyed hash."""

    address_digest = models.CharField(max_length=64)
    attempted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address_digest", "attempted_at"])]

    def __str__(self) -> str:
        return f"Failed link attempt at {self.attempted_at:%d %b %Y %H:%M}"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"


class SupportContact(models.Model):
    """Through-the-gate support: one contact after release. `restricted_note` is
    for health, recovery and offending matters, hidden from tutors and OMU staff."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="support_contacts")
    contacted_on = models.DateField("date of contact")
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    with_whom = models.CharField("who was contacted", max_length=120)
    summary = models.TextField()
    next_step = models.CharField(max_length=300, blank=True)
    restricted_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        indexes = [models.Index(fields=["learner", "-contacted_on"])]

    def __str__(self) -> str:
        return f"Contact on {self.contacted_on:%d %b %Y}"


# Employers, opportunities and applications


class HiredBefore(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Employer(models.Model):
    name = models.CharField(max_length=150, unique=True)
    sector = models.CharField(max_length=100)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    hired_with_convictions = models.CharField(
        "has hired people with convictions before",
        max_length=10,
        choices=HiredBefore.choices,
        default=HiredBefore.UNKNOWN,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpportunityKind(models.TextChoices):
    JOB = "job", "Job"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    PLACEMENT = "placement", "Placement"


class Opportunity(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="opportunities")
    role = models.CharField(max_length=150)
    kind = models.CharField("type", max_length=20, choices=OpportunityKind.choices)
    location = models.CharField(max_length=120)
    closing_on = models.DateField("closing date", null=True, blank=True)
    restrictions = models.TextField(blank=True)
    closed_on = models.DateField(
        "closed on",
        null=True,
        blank=True,
        help_text="Closed by a regional manager: no new introductions. Reopening clears it.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["employer__name", "role", "pk"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return f"{self.role} at {self.employer}"

    def is_open(self, today=None) -> bool:
        """Open for new introductions: not closed, and its closing date not passed."""
        today = today or timezone.localdate()
        return self.closed_on is None and (self.closing_on is None or self.closing_on >= today)


class ApplicationStatus(models.TextChoices):
    INTRODUCED = "introduced", "Introduced"
    APPLIED = "applied", "Applied"
    INTERVIEW = "interview", "Interview"
    OFFER = "offer", "Offer"
    STARTED = "started", "Started"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
    WITHDRAWN = "withdrawn", "Withdrawn"


_A = ApplicationStatus
_CLOSED = frozenset({_A.UNSUCCESSFUL, _A.WITHDRAWN})
# The allowed moves, written once. `application_move` refuses anything else.
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    _A.INTRODUCED: frozenset({_A.APPLIED}) | _CLOSED,
    _A.APPLIED: frozenset({_A.INTERVIEW, _A.OFFER}) | _CLOSED,
    _A.INTERVIEW: frozenset({_A.OFFER}) | _CLOSED,
    _A.OFFER: frozenset({_A.STARTED}) | _CLOSED,
    _A.STARTED: frozenset(),
    _A.UNSUCCESSFUL: frozenset(),
    _A.WITHDRAWN: frozenset(),
}
# Closing ends an open application; reopening takes a closed one back to the
# furthest stage it had reached (see `Application.reopen_status`).
APPLICATION_CLOSED_STATUSES: frozenset[str] = _CLOSED
# The stages an application reaches on the way, furthest first, with their dates.
_REOPEN_STAGES: tuple[tuple[str, str], ...] = (
    (_A.OFFER, "offer_on"),
    (_A.INTERVIEW, "interview_on"),
    (_A.APPLIED, "applied_on"),
)
# Which date field records reaching each status.
APPLICATION_DATE_FIELDS: dict[str, str] = {
    _A.INTRODUCED: "introduced_on",
    _A.APPLIED: "applied_on",
    _A.INTERVIEW: "interview_on",
    _A.OFFER: "offer_on",
    _A.STARTED: "started_on",
    _A.UNSUCCESSFUL: "closed_on",
    _A.WITHDRAWN: "closed_on",
}


class Application(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="applications")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.INTRODUCED
    )
    introduced_on = models.DateField()
    applied_on = models.DateField(null=True, blank=True)
    interview_on = models.DateField(null=True, blank=True)
    offer_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-introduced_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "opportunity"], name="application_once_per_opportunity"
            ),
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.learner} for {self.opportunity}"

    def can_move_to(self, status: str) -> bool:
        return status in APPLICATION_TRANSITIONS.get(self.status, frozenset())

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        allowed = APPLICATION_TRANSITIONS.get(self.status, frozenset())
        return [(value, label) for value, label in ApplicationStatus.choices if value in allowed]

    @property
    def is_closed(self) -> bool:
        return self.status in APPLICATION_CLOSED_STATUSES

    @property
    def can_close(self) -> bool:
        return bool(APPLICATION_TRANSITIONS.get(self.status, frozenset()) & _CLOSED)

    @property
    def forward_statuses(self) -> list[tuple[str, str]]:
        """The moves that carry it on (closing has its own page)."""
        return [(value, label) for value, label in self.next_statuses if value not in _CLOSED]

    def reopen_status(self) -> str:
        """The furthest stage reached before it closed, by the dates recorded."""
        for status, field in _REOPEN_STAGES:
            if getattr(self, field) is not None:
                return status
        return ApplicationStatus.INTRODUCED


# Mentors


class Mentor(models.Model):
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    skills = models.CharField(max_length=300)
    availability = models.CharField(max_length=200, blank=True)
    paused_on = models.DateField(
        "paused on",
        null=True,
        blank=True,
        help_text="A paused mentor keeps their current matches and takes no new ones.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class MentorMatch(models.Model):
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="matches")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="mentor_matches")
    started_on = models.DateField("start date")
    ended_on = models.DateField("end date", null=True, blank=True)
    notes = models.TextField(blank=True)
    non_graduate_reason = models.TextField(
        "why a learner who has not graduated is matched",
        blank=True,
        help_text="Mentors are matched with graduates; any other match needs a reason.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name_plural = "mentor matches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="mentor_match_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} with {self.learner}"
