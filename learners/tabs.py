"""The tabs of a learner's page. Each app adds its own tab here; a tab shows when
the user's role has its capability and its URL exists. Every tab's URL takes the
learner's pk as `pk`."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from accounts.access import Capability, access_for


@dataclass(frozen=True)
class LearnerTab:
    key: str
    label: str
    url_name: str
    capability: Capability


LEARNER_TABS: tuple[LearnerTab, ...] = (
    LearnerTab("overview", "Overview", "learners:detail", Capability.VIEW_LEARNER_RECORD),
    LearnerTab("intake", "Intake interview", "learners:intake", Capability.VIEW_LEARNER_RECORD),
    LearnerTab("learning", "Learning", "reviews:learning", Capability.VIEW_LEARNER_RECORD),
    LearnerTab("reviews", "Reviews", "reviews:learner_reviews", Capability.VIEW_LEARNER_RECORD),
    LearnerTab(
        "interventions",
        "Interventions",
        "reviews:learner_interventions",
        Capability.VIEW_LEARNER_RECORD,
    ),
    LearnerTab("plan", "Resettlement plan", "resettlement:plan", Capability.VIEW_RESETTLEMENT_PLAN),
    LearnerTab(
        "release",
        "Release and outcomes",
        "resettlement:release_overview",
        Capability.VIEW_LEARNER_RECORD,
    ),
    LearnerTab("case_notes", "Case notes", "learners:case_notes", Capability.VIEW_LEARNER_RECORD),
    LearnerTab("timeline", "Timeline", "learners:timeline", Capability.VIEW_LEARNER_RECORD),
    LearnerTab("privacy", "Data protection", "privacy:learner", Capability.MAKE_REPORTS),
)


def tabs_for(user, learner_pk: int, active: str) -> list[dict[str, object]]:
    access = access_for(user)
    tabs = []
    for tab in LEARNER_TABS:
        if not access.can(tab.capability):
            continue
        try:
            url = reverse(tab.url_name, kwargs={"pk": learner_pk})
        except NoReverseMatch:
            continue
        tabs.append({"key": tab.key, "label": tab.label, "url": url, "active": tab.key == active})
    return tabs
