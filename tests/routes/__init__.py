"""Declared expectations for every route, by role.

Each app has a module here with `ROUTES` (a list of `Route`) and, if its routes
need records, `build(world)`. The matrix test fails when a URL name has no Route,
so a new page cannot ship without saying who may open it.

A module may also define `plant_restricted(world, tag) -> list[str]`: put marker
text (`tag` + anything, letters and digits) in restricted fields its records hold
that are not on a row with `restricted=True` (e.g. health notes on an intake), and
return the markers. tests/test_marker_crawl.py then fails if a tutor, OMU staff or
staff of another prison can see one on any page, CSV, JSON or PDF.

Expectations: an HTTP status (200, 403, 404, 405...) or LOGIN (a redirect to
sign-in) or REDIRECT (any other redirect, e.g. after a successful POST).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module
from types import ModuleType
from typing import Any


class Who(StrEnum):
    ANONYMOUS = "anonymous"
    TUTOR = "tutor"
    RM = "regional manager"
    OMU = "OMU staff"
    DIRECTOR = "director"
    ADMIN = "administrator"
    OTHER_PRISON = "staff of another prison"


LOGIN = "login"
REDIRECT = "redirect"
SIGNED_IN = tuple(who for who in Who if who is not Who.ANONYMOUS)


def everyone(status, *, anonymous=LOGIN, **overrides) -> dict[Who, Any]:
    """An expectation table: `status` for every signed-in user unless overridden
    (keys are Who member names in lower case, e.g. omu=403)."""
    table = dict.fromkeys(SIGNED_IN, status)
    table[Who.ANONYMOUS] = anonymous
    for name, value in overrides.items():
        table[Who[name.upper()]] = value
    return table


@dataclass(frozen=True)
class Route:
    name: str
    get: dict[Who, Any]
    # None: the route takes no POST (405 for signed-in users, sign-in for anonymous).
    post: dict[Who, Any] | None = None
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    post_data: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    query: str = ""
    # Pages a signed-in user can reach, for the accessibility scan and the crawls.
    page: bool = True

    def expected_post(self, who: Who):
        if self.post is not None:
            return self.post[who]
        return LOGIN if who is Who.ANONYMOUS else 405


def route_modules() -> list[ModuleType]:
    package = import_module(__name__)
    return [
        import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]


def all_routes() -> list[Route]:
    routes: list[Route] = []
    for module in route_modules():
        routes.extend(getattr(module, "ROUTES", []))
    return routes


def undeclared_prefixes() -> tuple[str, ...]:
    """URL-name prefixes covered by a module-level rule (e.g. the admin site)."""
    prefixes: list[str] = []
    for module in route_modules():
        prefixes.extend(getattr(module, "COVERED_PREFIXES", ()))
    return tuple(prefixes)
