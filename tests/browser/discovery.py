"""Which pages each kind of user can reach, read from the role-by-route matrix
(tests/routes/): a page joins the accessibility scan as soon as its Route is
declared with `page=True` and a GET expectation of 200 for a role."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tests.routes import Route, Who, all_routes

# A made-up address, for the "page not found" page.
MISSING_PAGE = "/this-page-does-not-exist/"


@dataclass(frozen=True)
class ScanPage:
    name: str  # the URL name, or a description for error pages
    url: str
    status: int = 200


def _url(route: Route, world) -> str:
    return reverse(route.name, kwargs=route.kwargs(world)) + route.query


def pages_for(who: Who, world) -> list[ScanPage]:
    """Every page `who` can open, then one page each that `who` is refused with
    403 and 404 (the error pages must pass too)."""
    routes = all_routes()
    if who is Who.ANONYMOUS:
        # Public pages are not marked page=True (they are not part of a signed-in
        # user's crawl); anything anonymous can open that serves HTML is scanned.
        pages = [ScanPage(r.name, _url(r, world)) for r in routes if r.get[Who.ANONYMOUS] == 200]
    else:
        pages = [ScanPage(r.name, _url(r, world)) for r in routes if r.page and r.get[who] == 200]
    for status in (403, 404):
        refused = next((r for r in routes if r.page and r.get[who] == status), None)
        if refused is not None:
            name = f"{refused.name} (refused, {status})"
            pages.append(ScanPage(name, _url(refused, world), status))
    pages.append(ScanPage("a missing page (404)", MISSING_PAGE, 404))
    return pages


# The pages a released learner reaches from their link (issue 18). They need the
# session a matching date of birth opens, so they are not in the route matrix's
# 200s: the scan opens them by answering, as the learner would
# (test_accessibility_scan.test_the_pages_for_learners_pass_the_accessibility_checks).
LEARNER_PAGES = ("own:start", "own:report", "own:thanks", "own:progress", "own:ended")
# Learners open their link on a phone more often than not: the scan uses this size.
PHONE = {"width": 375, "height": 812}
