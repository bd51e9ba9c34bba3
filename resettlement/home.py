"""Home page sections: the OMU's shared plans, and for the regional managers who
record outcomes, what learners reported themselves (to confirm) and overdue
follow-ups."""

from accounts.access import Capability, access_for
from accounts.home import HomeSection
from resettlement.selectors import (
    overdue_follow_ups_for_user,
    self_reports_to_confirm_for_user,
    shared_plans_for_user,
)

SHOWN = 10


def home_sections(request) -> list[HomeSection]:
    access = access_for(request.user)
    sections: list[HomeSection] = []
    if access.needs_sharing_consent and access.can(Capability.VIEW_RESETTLEMENT_PLAN):
        learners = list(shared_plans_for_user(request.user)[: SHOWN + 1])
        sections.append(
            HomeSection(
                "resettlement/includes/home_shared.html",
                {"learners": learners[:SHOWN], "more": len(learners) > SHOWN},
            )
        )
    if access.can(Capability.CHANGE_LEARNER):
        waiting = self_reports_to_confirm_for_user(request.user)
        sections.append(
            HomeSection(
                "resettlement/includes/home_self_reports.html",
                {"reports": list(waiting[:SHOWN]), "count": waiting.count()},
            )
        )
        overdue = overdue_follow_ups_for_user(request.user)
        sections.append(
            HomeSection(
                "resettlement/includes/home_overdue.html",
                {"follow_ups": list(overdue[:SHOWN]), "count": overdue.count()},
            )
        )
    return sections
