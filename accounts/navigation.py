"""The main navigation, by role. An entry shows when the user's role has its
capability and its URL exists (apps add their pages as they are built)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from accounts.access import Capability, access_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability | None = None
    # Other pages under this item, so it shows as the current one there too.
    also: tuple[str, ...] = ()


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Home", "home"),
    NavItem("Caseload", "learners:list", Capability.VIEW_LEARNER_RECORD),
    NavItem("Shared plans", "resettlement:shared_list", Capability.UPDATE_PRISON_ACTIONS),
    NavItem(
        "Employment",
        "resettlement:employer_list",
        Capability.CHANGE_RESETTLEMENT_PLAN,
        also=("resettlement:mentor_list",),
    ),
    NavItem("Reports", "reports:dashboard", Capability.VIEW_REPORTS),
    NavItem("Audit", "audit:list", Capability.VIEW_AUDIT),
    NavItem("Notifications", "notifications:list"),
    NavItem("Configuration", "configuration:index", Capability.CONFIGURE),
)


def navigation_for(user, current_path: str) -> list[dict[str, object]]:
    access = access_for(user)
    items = []
    for item in NAVIGATION:
        if item.capability is not None and not access.can(item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        prefixes = [url, *(reverse(name) for name in item.also)]
        active = current_path == url if url == "/" else current_path.startswith(tuple(prefixes))
        items.append({"label": item.label, "url": url, "active": active})
    return items
