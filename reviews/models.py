"""Curriculum, module completions, employability skills, progress reviews, pauses
and interventions.

Rules about one row live here; anything that touches several rows, the timeline
or the audit trail is in `reviews.services`. The review schedule is computed in
`reviews.schedule`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from learners.models import Learner
from learners.restricted import RestrictedQuerySet


class Level(models.TextChoices):
    FOUNDATION = "foundation", "Foundation"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Track(models.Model):
    """A strand of the curriculum, e.g. Web foundations or Python."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ModuleQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired_on__isnull=True)

    def required(self):
        return self.filter(required_for_graduation=True, retired_on__isnull=True)


class Module(models.Model):
    """One module of a track. Retiring a module (setting `retired_on`) keeps every
    completion already recorded against it; it is no longer offered, nor required."""

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="modules")
    title = models.CharField(max_length=150)
    order = models.PositiveIntegerField(default=0)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.FOUNDATION)
    required_for_graduation = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    retired_on = models.DateField(
        null=True, blank=True, help_text="Retired modules keep their completions."
    )

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["track__order", "track__name", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["track", "title"], name="module_title_unique_in_track")
        ]

    def __str__(self) -> str:
        return f"{self.track.name}: {self.title}"

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None


class ModuleCompletion(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="completions")
    # PROTECT: a module with completions is retired, never deleted.
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.TextField(help_text="What the learner built.")
    evidence_link = models.CharField(
        "link or file reference", max_length=300, blank=True, help_text="Optional."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "module"], name="completion_once_per_module")
        ]
        indexes = [models.Index(fields=["learner", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.module} on {self.completed_on:%d %b %Y}"


class Skill(models.TextChoices):
    """The ten employability skills, rated at intake and at every review."""

    TEAMWORK = "teamwork", "Teamwork"
    COMMUNICATION = "communication", "Communication"
    PROBLEM_SOLVING = "problem_solving", "Problem solving"
    TIME_KEEPING = "time_keeping", "Time-keeping"
    SELF_MANAGEMENT = "self_management", "Self-management"
    RESILIENCE = "resilience", "Resilience"
    TAKING_FEEDBACK = "taking_feedback", "Taking feedback"
    PRESENTING_WORK = "presenting_work", "Presenting work"
    DIGITAL_CONFIDENCE = "digital_confidence", "Digital confidence"
    PLANNING = "planning", "Planning"


class Confidence(models.IntegerChoices):
    NOT = 1, "Not confident"
    A_LITTLE = 2, "A little confident"
    QUITE = 3, "Quite confident"
    VERY = 4, "Very confident"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"


class Rag(models.TextChoices):
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: some concerns"
    RED = "red", "Red: not on track"


class Attendance(models.TextChoices):
    FULL = "full", "Attended every session"
    MOST = "most", "Attended most sessions"
    SOME = "some", "Attended some sessions"
    FEW = "few", "Attended few or no sessions"


class Review(models.Model):
    """A 12-weekly progress review. Saved as a draft, completed later.

    `version` goes up by one on every save; a save carrying an older version is
    refused (see `reviews.services.review_save`), so two people editing the same
    review cannot overwrite each other."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    # The due date this review answers, and whether it was the pre-release review.
    due_on = models.DateField(null=True, blank=True)
    pre_release = models.BooleanField(default=False)
    held_on = models.DateField("date held", null=True, blank=True)
    participants = models.CharField("who took part", max_length=300, blank=True)
    progress = models.TextField("progress since the last review", blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    engagement = models.TextField("attendance and engagement notes", blank=True)
    rag = models.CharField("judgement", max_length=5, choices=Rag.choices, blank=True)
    rag_reason = models.TextField("reason for the judgement", blank=True)
    goals_achieved = models.TextField(blank=True)
    goals_continued = models.TextField(blank=True)
    goals_new = models.TextField(blank=True)
    learner_words = models.TextField("the learner's own words", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=models.Q(status="draft"),
                name="review_one_draft_per_learner",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="complete") | models.Q(held_on__isnull=False),
                name="review_complete_has_date_held",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "status", "held_on"]),
            models.Index(fields=["held_on"]),
        ]

    def __str__(self) -> str:
        when = f"{self.held_on:%d %b %Y}" if self.held_on else "not held yet"
        return f"Progress review ({when})"

    @property
    def is_complete(self) -> bool:
        return self.status == ReviewStatus.COMPLETE


class SkillRating(models.Model):
    """One skill's confidence level at one moment: at intake (no review) or at a review."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="skill_ratings")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="skill_ratings"
    )
    skill = models.CharField(max_length=30, choices=Skill.choices)
    rating = models.PositiveSmallIntegerField(choices=Confidence.choices)
    rated_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rated_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "skill"],
                condition=models.Q(review__isnull=False),
                name="skill_rating_once_per_review",
            ),
            models.UniqueConstraint(
                fields=["learner", "skill"],
                condition=models.Q(review__isnull=True),
                name="skill_rating_once_at_intake",
            ),
        ]
        indexes = [models.Index(fields=["learner", "rated_on"])]

    def __str__(self) -> str:
        return f"{self.get_skill_display()}: {self.get_rating_display()}"


class PauseReason(models.TextChoices):
    TRANSFER = "transfer", "Transfer"
    SEGREGATION = "segregation", "Segregation"
    HEALTH = "health", "Health"
    LOCKDOWN = "lockdown", "Lockdown"
    DECLINED = "declined", "Learner declined"
    OTHER = "other", "Other"


class ReviewPause(models.Model):
    """A period when the review clock stops. Open while `ended_on` is empty."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="review_pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    note = models.TextField(blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=models.Q(ended_on__isnull=True),
                name="pause_one_open_per_learner",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Reviews paused ({self.get_reason_display()}) from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class InterventionKind(models.TextChoices):
    EXTRA_TUTOR_TIME = "extra_tutor_time", "Extra tutor time"
    PEER_MENTORING = "peer_mentoring", "Peer mentoring"
    LEARNING_SUPPORT = "learning_support", "Learning-support adjustment"
    WELLBEING = "wellbeing_referral", "Wellbeing referral"
    SUBSTANCE_MISUSE = "substance_misuse_referral", "Substance-misuse referral"
    HOUSING = "housing_referral", "Housing referral"
    OMU_LIAISON = "omu_liaison", "OMU liaison"
    OTHER = "other", "Other"


class InterventionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class InterventionQuerySet(RestrictedQuerySet):
    def restricted_rows(self) -> models.Q:
        return models.Q(kind__in=sorted(RESTRICTED_INTERVENTION_KINDS))


class Intervention(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="interventions")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="interventions"
    )
    kind = models.CharField("type", max_length=30, choices=InterventionKind.choices)
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_interventions"
    )
    due_on = models.DateField("due date")
    status = models.CharField(
        max_length=10, choices=InterventionStatus.choices, default=InterventionStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(null=True, blank=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=models.Q(status="open"),
                name="intervention_open_by_owner",
            ),
            models.Index(fields=["learner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (due {self.due_on:%d %b %Y})"

    @property
    def is_open(self) -> bool:
        return self.status == InterventionStatus.OPEN

    @property
    def restricted(self) -> bool:
        """Substance-misuse and wellbeing referrals are health/recovery information."""
        return self.kind in RESTRICTED_INTERVENTION_KINDS


RESTRICTED_INTERVENTION_KINDS = frozenset(
    {InterventionKind.WELLBEING, InterventionKind.SUBSTANCE_MISUSE}
)
