"""What goes into a learner's progress report, for a parole board or the OMU.

Only what is listed here reaches the PDF: modules with their evidence, skill
ratings, review summaries (judgement, attendance, progress, goals, the learner's
own words) and graduation. Never restricted or internal records: no intake notes,
no interventions (some are health or recovery referrals), no pause notes, no
support-contact notes, no timeline.
"""

from __future__ import annotations

from django.utils import timezone

from learners.models import Learner
from reports.charts import Chart, line_chart
from reviews.models import (
    Confidence,
    ModuleCompletion,
    Review,
    ReviewStatus,
    Skill,
    SkillRating,
)
from reviews.selectors import required_progress

CHART_POINTS = 8  # the most recent rating dates shown in the skills chart


def skills_chart(ratings: list[SkillRating]) -> Chart | None:
    dates = sorted({rating.rated_on for rating in ratings})[-CHART_POINTS:]
    if not dates:
        return None
    index = {day: i for i, day in enumerate(dates)}
    values: dict[str, list[int | None]] = {}
    for rating in ratings:
        if rating.rated_on in index:
            row = values.setdefault(rating.skill, [None] * len(dates))
            row[index[rating.rated_on]] = rating.rating
    series = [(Skill(skill).label, values[skill]) for skill in Skill.values if skill in values]
    return line_chart(
        "Employability skills over time",
        [f"{day:%d %b %Y}" for day in dates],
        series,
        y_labels=[label for _value, label in Confidence.choices],
        description=(
            "How confident the learner rated themselves in each employability skill, "
            "at intake and at each progress review, on a four-level scale."
        ),
    )


def learner_progress_context(learner: Learner) -> dict[str, object]:
    completions = list(
        ModuleCompletion.objects.filter(learner=learner)
        .select_related("module__track")
        .order_by("completed_on", "pk")
    )
    reviews = list(
        Review.objects.filter(learner=learner, status=ReviewStatus.COMPLETE).order_by(
            "held_on", "pk"
        )
    )
    ratings = list(SkillRating.objects.filter(learner=learner).order_by("rated_on", "pk"))
    return {
        "learner": learner,
        "completions": completions,
        "progress": required_progress(learner),
        "reviews": reviews,
        "skills_chart": skills_chart(ratings),
        "generated_at": timezone.localtime(),
    }
