import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class RetentionTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Scheduled task"
    COMMAND = "command", "manage.py apply_retention"


class RetentionRun(models.Model):
    """One application of the retention policy: what was done, and why."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    trigger = models.CharField(max_length=10, choices=RetentionTrigger.choices)
    # The policy in force (settings.RETENTION_POLICY) and the cut-off dates it gave.
    policy = models.JSONField(default=dict)
    learners_anonymised = models.PositiveIntegerField(default=0)
    # Pseudonymous references (learner pks) only: never names.
    learner_refs = models.JSONField(default=list, blank=True)
    audit_events_removed = models.PositiveIntegerField(default=0)
    sign_in_attempts_removed = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        kind = "Dry run" if self.dry_run else "Run"
        return f"{kind} of {self.started_at:%d %b %Y %H:%M}: {self.learners_anonymised} anonymised"


class ErasureBasis(models.TextChoices):
    ARTICLE_17 = "article_17", "The learner asked for erasure (UK GDPR Article 17)"
    UNLAWFUL = "unlawful", "The data was processed unlawfully"
    ERROR = "recorded_in_error", "The record was created in error"
    LEGAL_OBLIGATION = "legal_obligation", "A court order or other legal obligation"


class ErasureStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved and erased"
    DECLINED = "declined", "Declined"


class ErasureRequest(models.Model):
    """Erasure takes two people: a director asks, with the basis in law and a reason;
    another director or the administrator approves (then the learner and this
    request go) or declines. Linked to the learner, so subject access, erasure and
    retention find the reason with the rest of the record."""

    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.CASCADE, related_name="erasure_requests"
    )
    basis = models.CharField(max_length=20, choices=ErasureBasis.choices)
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=models.Q(status="pending"),
                name="one_pending_erasure_request_per_learner",
            )
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} for learner {self.learner_id} ({self.status})"


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or the last day of that month
    when it is shorter (the ICO's reading of "one month from receipt")."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# UK GDPR Article 12(3): one month from receipt, extendable by two further months
# where the request is complex or one of many.
DATA_REQUEST_MONTHS = 1
DATA_REQUEST_EXTENDED_MONTHS = 3


class DataRequestKind(models.TextChoices):
    SUBJECT_ACCESS = "subject_access", "Subject access"
    ERASURE = "erasure", "Erasure"


class DataRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn by the learner"


DATA_REQUEST_CLOSED = (
    DataRequestStatus.COMPLETED,
    DataRequestStatus.REFUSED,
    DataRequestStatus.WITHDRAWN,
)


class DataRequest(models.Model):
    """One request a learner made under data protection law, from receipt to answer.
    The register keeps the learner's number (learner_ref) after an erasure, as the
    audit trail does; the learner link is then empty."""

    kind = models.CharField(max_length=20, choices=DataRequestKind.choices)
    learner = models.ForeignKey(
        "learners.Learner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    learner_ref = models.PositiveIntegerField(db_index=True)
    received_on = models.DateField()
    due_on = models.DateField()
    extension_reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=DataRequestStatus.choices, default=DataRequestStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="data_request_open_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.pk} for learner {self.learner_ref}"

    @property
    def extended(self) -> bool:
        return bool(self.extension_reason)

    @property
    def is_open(self) -> bool:
        return self.status == DataRequestStatus.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today

    def clean(self) -> None:
        errors = {}
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = "The date received must be today or in the past"
        if self.received_on and self.due_on:
            latest = months_after(self.received_on, DATA_REQUEST_EXTENDED_MONTHS)
            if self.due_on > latest:
                errors["due_on"] = (
                    f"The answer cannot be due later than {latest:%-d %B %Y}, "
                    "three months after the request was received"
                )
        if self.closed_on and self.received_on and self.closed_on < self.received_on:
            errors["closed_on"] = "The request cannot be closed before it was received"
        if errors:
            raise ValidationError(errors)
