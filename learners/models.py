from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from accounts.models import Prison

PRISON_NUMBER_PATTERN = r"^[A-Z][0-9]{4}[A-Z]{2}$"
prison_number_validator = RegexValidator(
    PRISON_NUMBER_PATTERN,
    "Enter a prison number in the format A1234BC: a letter, four digits and two letters.",
)


class CourseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    GRADUATED = "graduated", "Graduated"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CustodyStatus(models.TextChoices):
    IN_CUSTODY = "in_custody", "In custody"
    RELEASED = "released", "Released"
    RETURNED = "returned_to_custody", "Returned to custody"


# The allowed moves, written once. Services refuse anything else.
COURSE_TRANSITIONS: dict[str, frozenset[str]] = {
    CourseStatus.REFERRED: frozenset({CourseStatus.ACTIVE, CourseStatus.WITHDRAWN}),
    CourseStatus.ACTIVE: frozenset(
        {CourseStatus.PAUSED, CourseStatus.GRADUATED, CourseStatus.WITHDRAWN}
    ),
    CourseStatus.PAUSED: frozenset({CourseStatus.ACTIVE, CourseStatus.WITHDRAWN}),
    CourseStatus.GRADUATED: frozenset(),
    CourseStatus.WITHDRAWN: frozenset({CourseStatus.REFERRED}),
}
CUSTODY_TRANSITIONS: dict[str, frozenset[str]] = {
    CustodyStatus.IN_CUSTODY: frozenset({CustodyStatus.RELEASED}),
    CustodyStatus.RELEASED: frozenset({CustodyStatus.RETURNED}),
    CustodyStatus.RETURNED: frozenset({CustodyStatus.RELEASED}),
}


class Learner(models.Model):
    prison_number = models.CharField(
        max_length=7, unique=True, validators=[prison_number_validator]
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="learners")
    joined_on = models.DateField("date joined the course")
    earliest_release_on = models.DateField("earliest release date", null=True, blank=True)
    expected_release_on = models.DateField("expected release date", null=True, blank=True)
    course_status = models.CharField(
        max_length=20, choices=CourseStatus.choices, default=CourseStatus.REFERRED
    )
    custody_status = models.CharField(
        max_length=20, choices=CustodyStatus.choices, default=CustodyStatus.IN_CUSTODY
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tutored_learners",
    )
    regional_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_learners",
    )
    # Set by the intake service when the interview is completed; the review clock starts here.
    intake_completed_on = models.DateField(null=True, blank=True)
    # Maintained by the review schedule service, so lists can sort by it cheaply.
    next_review_due_on = models.DateField(null=True, blank=True)
    graduated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["prison", "last_name", "first_name"]),
            models.Index(fields=["expected_release_on"]),
            models.Index(fields=["next_review_due_on"]),
            models.Index(fields=["last_name", "first_name", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.prison_number})"

    def save(self, *args, **kwargs) -> None:
        self.prison_number = (self.prison_number or "").strip().upper()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}"

    def can_move_course_status(self, new_status: str) -> bool:
        return new_status in COURSE_TRANSITIONS.get(self.course_status, frozenset())

    def can_move_custody_status(self, new_status: str) -> bool:
        return new_status in CUSTODY_TRANSITIONS.get(self.custody_status, frozenset())


class StatusField(models.TextChoices):
    COURSE = "course", "Course status"
    CUSTODY = "custody", "Custody status"


class StatusChange(models.Model):
    """Who moved a learner from one status to another, when and why."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="status_changes")
    field = models.CharField(max_length=10, choices=StatusField.choices)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.from_status} to {self.to_status}"


class ConsentKind(models.TextChoices):
    SHARE_WITH_OMU = "share_with_omu", "Share the resettlement plan with the prison's OMU"
    CONTACT_AFTER_RELEASE = "contact_after_release", "Contact after release"
    CASE_STUDY = "case_study", "Use in an anonymised case study"


class Consent(models.Model):
    """A consent given on a date, withdrawable later. A new grant is a new row."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=30, choices=ConsentKind.choices)
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-given_on"]
        constraints = [
            # At most one standing (not withdrawn) consent of each kind per learner.
            models.UniqueConstraint(
                fields=["learner", "kind"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="consent_one_standing_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.given_on:%d %b %Y}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_on is None


class TimelineKind(models.TextChoices):
    ENROLMENT = "enrolment", "Enrolment"
    DETAILS = "details", "Details changed"
    INTAKE = "intake", "Intake interview"
    STATUS = "status", "Status change"
    CONSENT = "consent", "Consent"
    TRANSFER = "transfer", "Transfer"
    MODULE = "module", "Module completed"
    GRADUATION = "graduation", "Graduation"
    REVIEW = "review", "Progress review"
    PAUSE = "pause", "Reviews paused"
    INTERVENTION = "intervention", "Intervention"
    PLAN = "plan", "Resettlement plan"
    SHARE = "share", "Shared with the prison"
    RELEASE = "release", "Release"
    CONTACT = "contact", "Support after release"
    OUTCOME = "outcome", "Outcome follow-up"
    APPLICATION = "application", "Job application"
    MENTOR = "mentor", "Mentoring"


class TimelineEvent(models.Model):
    """One thing that happened to a learner, written by the service that did it.

    Every app adds its own entries through `learners.timeline.timeline_record`, so
    the learner page shows one list, newest first, filterable by kind.
    """

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=20, choices=TimelineKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300)
    # Restricted entries (health, recovery, offending behaviour) are hidden from
    # roles without Capability.VIEW_RESTRICTED.
    restricted = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-occurred_at"])]

    def __str__(self) -> str:
        return self.summary
