"""A partner report run: the parameters a director chose, the task's progress,
and the stored PDF. One row per distinct set of parameters (`params_key`), so
asking for the same report again finds the same row and file."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from reports.storage import report_storage


class Partner(models.TextChoices):
    MOJ = "moj", "Ministry of Justice"
    DCMS = "dcms", "Department for Culture, Media and Sport"
    HMPPS = "hmpps", "HM Prison and Probation Service"
    PRISONS = "prisons", "Host prison governors"
    FUNDERS = "funders", "Funders and trustees"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


def params_key_for(*, partner: str, period_start, period_end, prison_ids) -> str:
    canonical = json.dumps(
        {
            "partner": partner,
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
            "prisons": sorted(int(pk) for pk in prison_ids),
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class ReportRun(models.Model):
    partner = models.CharField(max_length=20, choices=Partner.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    prisons = models.ManyToManyField("accounts.Prison", related_name="+")
    params_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # Kept by the `reports` storage (PostgreSQL unless configured otherwise), so any
    # web replica serves it.
    file = models.FileField(upload_to="partner-reports/", blank=True, storage=report_storage)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_run_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_run_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_partner_display()} report, "
            f"{self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def download_name(self) -> str:
        return f"code4000-{self.partner}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}.pdf"


class StoredFile(models.Model):
    """A generated file kept in the database (reports.storage.DatabaseStorage)."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.size} bytes)"


class PublishedKind(models.TextChoices):
    PARTNER_PDF = "partner_pdf", "Partner report (PDF)"
    IMPACT_CSV = "impact_csv", "Impact figures (CSV)"


class PublishedTable(models.Model):
    """Figures that left the organisation, as a reader learns them: each cell's
    measures, prisons, days and the range its shown value gives away (see
    reports/disclosure.py). Every new release is checked against these. Rows
    are never changed or deleted: what has been published stays published."""

    kind = models.CharField(max_length=20, choices=PublishedKind.choices)
    run = models.ForeignKey(
        ReportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    prisons = models.ManyToManyField("accounts.Prison", related_name="+")
    cells = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}, {self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"
        )


class CaseStudyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RETURNED = "returned", "Returned to the author"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The allowed moves, written once; reports.services enforces them.
CASE_STUDY_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStudyStatus.DRAFT: frozenset(
        {CaseStudyStatus.APPROVED, CaseStudyStatus.RETURNED, CaseStudyStatus.WITHDRAWN}
    ),
    CaseStudyStatus.RETURNED: frozenset({CaseStudyStatus.DRAFT, CaseStudyStatus.WITHDRAWN}),
    CaseStudyStatus.APPROVED: frozenset({CaseStudyStatus.WITHDRAWN}),
    CaseStudyStatus.WITHDRAWN: frozenset(),
}


class CaseStudy(models.Model):
    """An anonymised story of one learner, written by a regional manager from a
    consented record and approved by a director before it may leave the service."""

    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.CASCADE, related_name="case_studies"
    )
    title = models.CharField(max_length=150)
    body = models.TextField(help_text="Markdown: headings with ##, quotes with >.")
    status = models.CharField(
        max_length=20, choices=CaseStudyStatus.choices, default=CaseStudyStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="case_studies_written",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    return_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_studies_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["status", "-updated_at"], name="case_study_status_idx")]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        return status in CASE_STUDY_TRANSITIONS.get(self.status, frozenset())

    @property
    def is_editable(self) -> bool:
        return self.status in (CaseStudyStatus.DRAFT, CaseStudyStatus.RETURNED)


class JusticeDataLabExport(models.Model):
    """One cohort sent to the Justice Data Lab, with the rules that chose it: who
    made it, when, the period and how many people it held. The file itself is not
    kept (it holds names and numbers); the rules let anyone make the same file again."""

    period_start = models.DateField()
    period_end = models.DateField()
    cohort_size = models.PositiveIntegerField()
    rules = models.JSONField(default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"Justice Data Lab cohort, {self.period_start} to {self.period_end}"


class JusticeDataLabResult(models.Model):
    """The Lab's headline result for a cohort, typed in by a director from its report:
    the one-year proven reoffending rate of the participants against the matched
    comparison group, with the confidence interval of the difference."""

    published_on = models.DateField("date of the Lab's report")
    measured_rate = models.DecimalField(
        "reoffending rate of Code4000 participants (%)", max_digits=5, decimal_places=1
    )
    comparison_rate = models.DecimalField(
        "reoffending rate of the comparison group (%)", max_digits=5, decimal_places=1
    )
    interval_low = models.DecimalField(
        "confidence interval of the difference, from (percentage points)",
        max_digits=5,
        decimal_places=1,
    )
    interval_high = models.DecimalField(
        "confidence interval of the difference, to (percentage points)",
        max_digits=5,
        decimal_places=1,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_low__lte=models.F("interval_high")),
                name="jdl_result_interval_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Justice Data Lab result of {self.published_on}"

    @property
    def difference(self):
        return self.measured_rate - self.comparison_rate


class PrisonFigures(models.Model):
    """The directors' dashboard figures of one prison, kept precomputed
    (reports/figures_store.py): when they were last worked out, a version that
    moves on every refresh (the key of the released figures kept in the cache),
    and the one figure of "now" (active learners)."""

    prison = models.OneToOneField(
        "accounts.Prison", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    active = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Figures of prison {self.prison_id}, version {self.version}"


class PrisonDayFigure(models.Model):
    """One measure of one prison on one day (reports/figures_store.py says which):
    a count of what happened that day, or for figures "as at the period's end" the
    change that day (summed over every day up to the end)."""

    prison = models.ForeignKey(
        "accounts.Prison", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    measure = models.CharField(max_length=60)
    value = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "day", "measure"], name="prison_day_figure_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} at prison {self.prison_id} on {self.day}: {self.value}"


class FiguresStale(models.Model):
    """A prison whose records changed since its figures were worked out. Rows are
    only ever added (by the change) and deleted (by the refresh that covers them),
    so marking never waits on another transaction."""

    prison = models.ForeignKey("accounts.Prison", on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Prison {self.prison_id} changed at {self.marked_at}"
