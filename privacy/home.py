"""Home page section for directors: the data requests register, with the requests
whose one-month deadline has passed."""

from accounts.access import Capability, access_for
from accounts.home import HomeSection
from privacy.selectors import data_requests_open_for_user, data_requests_overdue_for_user

SHOWN = 10


def home_sections(request) -> list[HomeSection]:
    if not access_for(request.user).can(Capability.MAKE_REPORTS):
        return []
    overdue = data_requests_overdue_for_user(request.user)
    return [
        HomeSection(
            "privacy/includes/home_data_requests.html",
            {
                "overdue": list(overdue[:SHOWN]),
                "overdue_count": overdue.count(),
                "open_count": data_requests_open_for_user(request.user).count(),
            },
        )
    ]
