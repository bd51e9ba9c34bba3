import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from accounts.models import Prison
from audit.late_entries import is_late
from code4000.plain_words import in_sentence
from learners.restricted import RestrictedQuerySet, WhollyRestrictedQuerySet

PRISON_NUMBER_PATTERN = r"^[A-Z][0-9]{4}[A-Z]{2}$"
prison_number_validator = RegexValidator(
    PRISON_NUMBER_PATTERN,
    "Enter a prison number in the format A1234BC: a letter, four digits and two letters.",
)


# The Police National Computer number: a year, a serial number and a check letter,
# written in full as YYYY/NNNNNNNL or short as YY/NNNNNNNL (a short serial is padded
# with zeros to seven digits). The check letter is the remainder of the two-digit
# year followed by the seven-digit serial, divided by 23, read in this alphabet (no
# I, O or S). The rule as the Ministry of Justice's person-record service applies it.
PNC_PATTERN = re.compile(r"^(?P<year>\d{2}|\d{4})/(?P<serial>\d{1,7})(?P<check>[A-Z])$")
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
PNC_FORMAT_MESSAGE = (
    "Enter a PNC number in the format YY/NNNNNNNL or YYYY/NNNNNNNL, for example 2001/0171310W"
)


def pnc_normalised(value: str) -> str:
    """Upper case, no spaces, the serial padded to seven digits: '01/171310w' ->
    '01/0171310W'. A value that is not PNC-shaped comes back only tidied."""
    value = "".join(value.split()).upper()
    match = PNC_PATTERN.match(value)
    if match is None:
        return value
    return f"{match['year']}/{int(match['serial']):07d}{match['check']}"


def pnc_check_letter(year: str, serial: str) -> str:
    return PNC_CHECK_LETTERS[int(f"{year[-2:]}{int(serial):07d}") % 23]


def validate_pnc(value: str) -> None:
    match = PNC_PATTERN.match(pnc_normalised(value))
    if match is None:
        raise ValidationError(PNC_FORMAT_MESSAGE, code="pnc_format")
    if pnc_check_letter(match["year"], match["serial"]) != match["check"]:
        raise ValidationError(
            "Check the PNC number: its last letter does not match the numbers before it",
            code="pnc_check",
        )


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Another gender"


MINIMUM_AGE = 18
MAXIMUM_AGE = 100


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def learner_date_errors(
    *,
    date_of_birth: dt.date | None,
    joined_on: dt.date | None,
    earliest_release_on: dt.date | None,
    expected_release_on: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    """The date rules of a learner record, by field: shared by the enrolment form
    (through Learner.clean) and the CSV import."""
    errors: dict[str, str] = {}
    if date_of_birth is not None:
        if date_of_birth > today:
            errors["date_of_birth"] = "Date of birth must be in the past"
        elif age_on(date_of_birth, today) < MINIMUM_AGE:
            errors["date_of_birth"] = f"The learner must be at least {MINIMUM_AGE} years old"
        elif age_on(date_of_birth, today) > MAXIMUM_AGE:
            errors["date_of_birth"] = (
                f"Check the date of birth: the learner would be over {MAXIMUM_AGE} years old"
            )
    if joined_on is not None:
        if earliest_release_on is not None and earliest_release_on < joined_on:
            errors["earliest_release_on"] = "Earliest release date must be after the date joined"
        if expected_release_on is not None and expected_release_on < joined_on:
            errors["expected_release_on"] = "Expected release date must be after the date joined"
    if (
        earliest_release_on is not None
        and expected_release_on is not None
        and expected_release_on < earliest_release_on
        and "expected_release_on" not in errors
    ):
        errors["expected_release_on"] = (
            "Expected release date must be on or after the earliest release date"
        )
    return errors


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
# Moves the status pages refuse because another workflow owns them: graduation has
# its rule (reviews), release and return to custody their pages (resettlement).
GRADUATION_REFUSED = (
    "A learner graduates when their last required module is recorded. "
    "A director can record a graduation exception, with the reason."
)
CUSTODY_WORKFLOW_REFUSALS = {
    CustodyStatus.RELEASED: (
        "Record a release on the release page: it needs the date, type and area, "
        "and sets up the follow-ups."
    ),
    CustodyStatus.RETURNED: "Record a return to custody on the release page.",
}


class Learner(models.Model):
    prison_number = models.CharField(
        max_length=7,
        unique=True,
        validators=[prison_number_validator],
        error_messages={"unique": "A learner with this prison number is already recorded"},
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
    # Also maintained by the review schedule service: the clock is stopped by a pause
    # (next_review_due_on is then empty), so every page can say "Paused" alike.
    reviews_paused = models.BooleanField(default=False)
    graduated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # For the Justice Data Lab's matching: optional, seen by regional managers and
    # directors only (learners.selectors.sees_justice_data_fields).
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    pnc_number = models.CharField(
        "PNC number", max_length=13, blank=True, validators=[validate_pnc]
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["prison", "last_name", "first_name"]),
            models.Index(fields=["expected_release_on"]),
            models.Index(fields=["next_review_due_on"]),
            models.Index(fields=["last_name", "first_name", "date_of_birth"]),
            # The duplicate check starts from the dates of birth a person may have
            # been typed with (learners.selectors.duplicate_candidates).
            models.Index(fields=["date_of_birth"], name="learner_date_of_birth_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.prison_number})"

    def save(self, *args, **kwargs) -> None:
        self.prison_number = (self.prison_number or "").strip().upper()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        # An anonymised record's number is made not to be real (see
        # privacy.services._pseudonymous_prison_number), so the format is not checked.
        if self.anonymised_at is not None:
            exclude = {*(exclude or ()), "prison_number"}
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors = learner_date_errors(
            date_of_birth=self.date_of_birth,
            joined_on=self.joined_on,
            earliest_release_on=self.earliest_release_on,
            expected_release_on=self.expected_release_on,
            today=timezone.localdate(),
        )
        # A closed prison keeps its learners but takes no new ones.
        if self._state.adding and self.prison_id is not None and not self.prison.is_active:
            errors["prison"] = f"{self.prison.name} is closed: it takes no new learners"
        if errors:
            raise ValidationError(errors)

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
        return f"{self.get_field_display()}: {self.from_status_label} to {self.to_status_label}"

    def _status_label(self, value: str) -> str:
        """A status as its label in lower case ("in custody"), for "from ... to ..."."""
        choices = {StatusField.COURSE: CourseStatus, StatusField.CUSTODY: CustodyStatus}
        status = choices.get(self.field)
        return in_sentence(status(value).label) if status and value in status.values else value

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)


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
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_recorded_at = models.DateTimeField(null=True, blank=True)

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

    def date_errors(self, field: str, day: dt.date) -> dict[str, str]:
        """The rules for the date a consent was given or withdrawn: today or
        earlier, not before the learner joined, a withdrawal not before the grant."""
        what = "given" if field == "given_on" else "withdrawn"
        if day > timezone.localdate():
            return {field: f"The date consent was {what} must be today or earlier"}
        if day < self.learner.joined_on:
            return {field: f"The date consent was {what} must be on or after the date joined"}
        if field == "withdrawn_on" and day < self.given_on:
            return {field: "The date consent was withdrawn must be on or after the date given"}
        return {}


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
    CASE_NOTE = "case_note", "Case note"


class TimelineEventQuerySet(RestrictedQuerySet):
    def restricted_rows(self) -> models.Q:
        return models.Q(restricted=True)


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
    # When it was typed in: later than occurred_at for work recorded after the event.
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-occurred_at"])]

    def __str__(self) -> str:
        return self.summary

    @property
    def recorded_late(self) -> bool:
        """Recorded more than a day after it happened (audit.late_entries)."""
        return is_late(self.occurred_at, self.recorded_at)


# --- Case notes ------------------------------------------------------------------


class CaseNoteQuerySet(RestrictedQuerySet):
    def restricted_rows(self) -> models.Q:
        return models.Q(restricted=True)


class CaseNote(models.Model):
    """A dated note on a learner, in custody or after. Case notes are never edited:
    a mistake is put right by a correction, a new note that points at the one it
    corrects, so what a note said when others read it stays on the record (it may
    be disclosed to a parole board or in a subject access request). A correction
    keeps the restricted flag of the note it corrects."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="case_notes")
    happened_on = models.DateField("date")
    text = models.TextField("note")
    # Health, recovery or offending-behaviour content: hidden from tutors and OMU.
    restricted = models.BooleanField(default=False)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-happened_on"])]

    def __str__(self) -> str:
        return f"Case note {self.pk}"

    @property
    def recorded_late(self) -> bool:
        """Written more than a day after the day it is about (audit.late_entries)."""
        return is_late(self.happened_on, self.recorded_at)

    def clean(self) -> None:
        errors = {}
        if self.happened_on is not None:
            if self.happened_on > timezone.localdate():
                errors["happened_on"] = "The date of the note must be today or earlier"
            elif self.learner_id is not None and self.happened_on < self.learner.joined_on:
                errors["happened_on"] = "The date of the note must be on or after the date joined"
        if self.corrects_id is not None:
            if self.corrects.learner_id != self.learner_id:
                errors["corrects"] = "A correction must be about the same learner"
            elif self.corrects.corrects_id is not None:
                errors["corrects"] = "Correct the original note, not a correction"
        if errors:
            raise ValidationError(errors)


# --- The intake interview -------------------------------------------------------


class AmbitionCategory(models.TextChoices):
    TECH_WORK = "tech_work", "Work in tech"
    OWN_BUSINESS = "own_business", "Own business"
    FURTHER_STUDY = "further_study", "Further study"
    OTHER = "other", "Other"


class SupportNeed(models.TextChoices):
    DYSLEXIA = "dyslexia", "Dyslexia"
    ADHD = "adhd", "ADHD"
    AUTISM = "autism", "Autism"
    VISUAL = "visual", "Visual impairment"
    HEARING = "hearing", "Hearing impairment"
    LITERACY = "literacy", "Literacy"
    OTHER = "other", "Other"


class Priority(models.TextChoices):
    """Priorities beyond learning that every role may see. Health and recovery are
    restricted and live on IntakeRestricted."""

    HOUSING = "housing", "Housing"
    FAMILY = "family", "Family"
    FINANCE = "finance", "Finance"


# The answers an intake form sets, on IntakeInterview and on IntakeRestricted.
INTAKE_FIELDS = (
    "held_on",
    "education",
    "work_history",
    "coding_experience",
    "ambitions",
    "ambition_categories",
    "support_needs",
    "reasonable_adjustments",
    "priorities",
    "priorities_notes",
    "release_area",
)
RESTRICTED_FIELDS = (
    "health_priority",
    "health_notes",
    "recovery_priority",
    "recovery_notes",
    "offending_behaviour_notes",
)


class IntakeInterview(models.Model):
    """The Learner Journey planning interview. One per learner; edits keep history
    in IntakeRevision. Restricted answers are in IntakeRestricted, so a page for a
    role without Capability.VIEW_RESTRICTED never loads them."""

    learner = models.OneToOneField(Learner, on_delete=models.CASCADE, related_name="intake")
    held_on = models.DateField("date of the interview")
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    education = models.TextField("education and qualifications", blank=True)
    work_history = models.TextField(blank=True)
    coding_experience = models.TextField("coding and digital experience", blank=True)
    ambitions = models.TextField("ambitions and aspirations", blank=True)
    ambition_categories = models.JSONField(default=list, blank=True)
    support_needs = models.JSONField(default=list, blank=True)
    reasonable_adjustments = models.TextField(blank=True)
    priorities = models.JSONField(default=list, blank=True)
    priorities_notes = models.TextField("priorities beyond learning: notes", blank=True)
    release_area = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Intake interview for learner {self.learner_id}"

    def ambition_labels(self) -> list[str]:
        return [AmbitionCategory(v).label for v in self.ambition_categories]

    def support_need_labels(self) -> list[str]:
        return [SupportNeed(v).label for v in self.support_needs]

    def priority_labels(self) -> list[str]:
        return [Priority(v).label for v in self.priorities]


class IntakeRestricted(models.Model):
    """Health, recovery and offending-behaviour answers: regional managers,
    directors and administrators only."""

    intake = models.OneToOneField(
        IntakeInterview, on_delete=models.CASCADE, related_name="restricted"
    )
    health_priority = models.BooleanField("health is a priority", default=False)
    health_notes = models.TextField(blank=True)
    recovery_priority = models.BooleanField("recovery is a priority", default=False)
    recovery_notes = models.TextField(blank=True)
    offending_behaviour_notes = models.TextField("offending-behaviour work", blank=True)

    objects = WhollyRestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Restricted intake answers {self.pk}"


class IntakeRevision(models.Model):
    """Who changed the intake interview, when, and which answers (names only:
    the values live on the interview)."""

    intake = models.ForeignKey(IntakeInterview, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    fields = models.JSONField(default=list)
    restricted_fields = models.JSONField(default=list)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"Intake revision {self.pk}"

    def field_labels(self) -> list[str]:
        return [REVISION_LABELS.get(name, name.replace("_", " ")) for name in self.fields]

    def restricted_field_labels(self) -> list[str]:
        return [
            REVISION_LABELS.get(name, name.replace("_", " ")) for name in self.restricted_fields
        ]


class IntakeDraft(models.Model):
    """An intake interview being typed, one topic per page: the answers given so
    far, by step, for one learner and the person interviewing. Saved as each step
    is answered, so leaving and coming back resumes; it counts for nothing until
    confirmed on "check your answers", which records the interview and deletes it.
    Only its author ever reads it (restricted answers included, for roles that
    see them)."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="intake_drafts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_drafts"
    )
    # {step: {field: value}}; dates as ISO strings.
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "author"], name="one_intake_draft_per_learner_and_author"
            )
        ]

    def __str__(self) -> str:
        return f"Intake draft for learner {self.learner_id}"


REVISION_LABELS = {
    "held_on": "date of the interview",
    "education": "education and qualifications",
    "coding_experience": "coding and digital experience",
    "ambition_categories": "ambitions",
    "ambitions": "ambitions in their words",
    "support_needs": "learning support needs",
    "priorities_notes": "notes on priorities",
    "expected_release_on": "expected release date",
    "offending_behaviour_notes": "offending-behaviour work",
}


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "No longer a goal"


class Goal(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    target_on = models.DateField("target date")
    status = models.CharField(
        max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target_on", "pk"]

    def __str__(self) -> str:
        return self.description


# --- Transfers and imports ----------------------------------------------------------


class Transfer(models.Model):
    """A move to another prison. The learner's history stays with the learner."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="transfers")
    from_prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="+")
    to_prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="+")
    transferred_on = models.DateField("date of transfer")
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-transferred_on", "-pk"]

    def __str__(self) -> str:
        return f"Transfer of learner {self.learner_id} on {self.transferred_on}"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Checked, not imported"
    IMPORTED = "imported", "Imported"


class ImportRun(models.Model):
    """One uploaded CSV file: checked first (preview), imported all-or-nothing later."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    # Kept after the file is gone: the line numbers of the rows flagged as likely
    # duplicates (imported once someone confirmed them), so they can be followed up.
    duplicate_lines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.filename}"
