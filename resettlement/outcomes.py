"""Set-based reads of post-release outcomes, for the release page and for reports.

"The share of released learners with each outcome at their latest follow-up" is
two queries, whatever the number of learners:

    latest = latest_follow_up_ids(learners)
    outcome_counts(latest)          # {kind: learners}, one GROUP BY
    latest.count()                  # the denominator
"""

from django.db.models import Count, OuterRef, QuerySet, Subquery

from resettlement.models import FollowUp, Outcome


def latest_follow_up_ids(learners: QuerySet | None = None) -> QuerySet:
    """The pk of each learner's most recent confirmed follow-up (over all their
    releases), as a values queryset to use in `__in` filters."""
    newest = (
        FollowUp.objects.filter(learner=OuterRef("learner"), confirmed_on__isnull=False)
        .order_by("-confirmed_on", "-pk")
        .values("pk")[:1]
    )
    follow_ups = FollowUp.objects.filter(confirmed_on__isnull=False, pk=Subquery(newest))
    if learners is not None:
        follow_ups = follow_ups.filter(learner__in=learners.values("pk"))
    return follow_ups.values("pk")


def outcome_counts(follow_up_ids: QuerySet) -> dict[str, int]:
    """How many learners have each outcome kind among the given follow-ups."""
    rows = (
        Outcome.objects.filter(follow_up__in=follow_up_ids)
        .values("kind")
        .annotate(learners=Count("learner", distinct=True))
        .order_by("kind")
    )
    return {row["kind"]: row["learners"] for row in rows}
