"""Stored notifications, the digests that carry them, delivery failures, each
user's email preference, the sweep runs, and the outbox of broker work.

Exactly once is the database's job: a notification is unique on (recipient,
kind, record, due date), and an email is sent only by the worker whose
conditional UPDATE of `emailed_at` (the claim) changed the row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    REVIEW_DUE = "review_due", "Progress review due"
    REVIEW_OVERDUE = "review_overdue", "Progress review overdue"
    REVIEW_ESCALATED = "review_escalated", "Progress review a week or more overdue"
    INTAKE_NOT_HELD = "intake_not_held", "Intake interview not held"
    INTERVENTION_DUE = "intervention_due", "Intervention due"
    INTERVENTION_OVERDUE = "intervention_overdue", "Intervention overdue"
    RELEASE_PLAN_INCOMPLETE = "release_plan_incomplete", "Release soon, plan incomplete"
    FOLLOW_UP_DUE = "follow_up_due", "Outcome follow-up due"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Claimed by a worker"
    SENT = "sent", "Sent"
    DIGEST = "digest", "Waiting for the daily digest"
    IN_DIGEST = "in_digest", "Sent in a digest"
    SKIPPED = "skipped", "Not emailed (email turned off)"
    FAILED = "failed", "Failed"
    WITHHELD = "withheld", "Not sent: the recipient may no longer see this learner"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Email me each reminder as it happens"
    DAILY = "daily", "Email me one daily digest"
    OFF = "off", "Do not email me (reminders still show here)"


class SweepRun(models.Model):
    """One run of the reminder sweep. Notifications point at the run that
    created them, so a run knows exactly which rows are its own."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    run_on = models.DateField(help_text="The day the sweep looked at.")
    trigger = models.CharField(max_length=20, default="beat")
    findings = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Sweep for {self.run_on:%d %b %Y} ({self.created} new)"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    # The learner the record belongs to (for scoping and links) ...
    learner = models.ForeignKey(
        "learners.Learner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # ... and the record itself: a review schedule (the learner), an intervention, a plan.
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    due_on = models.DateField()
    # What the reminder says, without restricted information (no health,
    # recovery or offending details): kind, learner name and number, due date.
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by the sweep when the work is no longer due (the review was held, the
    # intervention closed, a newer reminder replaced it): it leaves the unread list.
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The claim: set by the conditional UPDATE that lets one worker send the email.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Set when an email that lost its task is queued again by the reconciler.
    email_requeued_at = models.DateTimeField(null=True, blank=True)
    sweep_run = models.ForeignKey(
        SweepRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    digest = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_type", "object_id", "due_on"],
                name="notification_once_per_recipient_kind_record_due",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True, resolved_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient", "email_status"],
                name="notification_digest_idx",
                condition=models.Q(email_status="digest"),
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_open(self) -> bool:
        return self.read_at is None and self.resolved_at is None


class DigestKind(models.TextChoices):
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly regional manager digest"


class Digest(models.Model):
    """One digest email: unique per (recipient, kind, period), claimed like a notification."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    kind = models.CharField(max_length=10, choices=DigestKind.choices)
    period_start = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period_start"], name="digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} from {self.period_start}"


class DeliveryFailure(models.Model):
    """An email that could not be sent after every retry, for an administrator to see."""

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="failures"
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="failures"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField()
    error = models.TextField()
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-failed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification"],
                condition=models.Q(notification__isnull=False),
                name="failure_once_per_notification",
            ),
            models.UniqueConstraint(
                fields=["digest"],
                condition=models.Q(digest__isnull=False),
                name="failure_once_per_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"Email to {self.recipient} failed after {self.attempts} attempts"


class NotificationPreference(models.Model):
    """How a user wants reminders by email. No row means immediate emails and,
    for regional managers, the weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    weekly_digest = models.BooleanField(
        "weekly digest of my prisons' due and overdue work", default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_mode_display()}"


class AccountEmailPurpose(models.TextChoices):
    STAFF_INVITATION = "staff_invitation", "Invitation to choose a password"


class AccountEmail(models.Model):
    """One email to a member of staff about their account (an invitation), sent
    at most once: like a notification, it leaves only through the claim (a
    conditional UPDATE from pending to sending), so a task delivered twice, or
    retried after the send, cannot send it again. The app that writes it renders
    it at send time (`services.account_email_deliver(build=...)`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_emails"
    )
    purpose = models.CharField(max_length=30, choices=AccountEmailPurpose.choices)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "purpose"])]

    def __str__(self) -> str:
        return (
            f"{self.get_purpose_display()} to {self.recipient} ({self.get_email_status_display()})"
        )


class OutboxMessage(models.Model):
    """A task to send to the broker, written in the same transaction as the
    change that needs it. Published after commit; while the broker is down the
    row waits and the relay publishes it when the broker answers again."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=36, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Not to run before this time (a countdown, bounded by the visibility timeout).
    available_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "sent" if self.dispatched_at else "waiting"
        return f"{self.task_name} ({state})"


class BeatSlot(models.Model):
    """One scheduled run of a periodic task, claimed by the beat that sends it
    (`code4000.beat.SingleBeatScheduler`). Unique on (task, slot): a second beat,
    or a beat restarted within the minute, finds the slot taken and sends nothing."""

    task_name = models.CharField(max_length=200)
    slot = models.DateTimeField(help_text="The scheduled time this run belongs to.")
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-slot", "task_name"]
        constraints = [models.UniqueConstraint(fields=["task_name", "slot"], name="beat_slot_once")]

    def __str__(self) -> str:
        return f"{self.task_name} at {self.slot:%Y-%m-%d %H:%M}"
