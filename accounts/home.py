"""The home page is made of sections that apps add: the work queue, the OMU's
shared plans, counts per prison. Each app may have a `home.py` with
`home_sections(request) -> list[HomeSection]`; they show in this order."""

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

HOME_APPS = ["reviews", "resettlement", "reports", "notifications", "privacy"]


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def home_sections(request) -> list[HomeSection]:
    sections: list[HomeSection] = []
    for app in HOME_APPS:
        try:
            module = import_module(f"{app}.home")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.home":
                raise
            continue
        sections.extend(module.home_sections(request))
    return sections
