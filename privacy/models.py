from django.conf import settings
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
