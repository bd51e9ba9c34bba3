"""The accessibility scan: every page each kind of user can reach (discovered from
the Route declarations in tests/routes/) passes axe-core's WCAG 2.2 A and AA rules
with no serious or critical violation, has one h1, a well-formed title unique
among that user's pages, a label on every field and errors in an error summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.checks import page_problems
from tests.browser.discovery import pages_for
from tests.browser.steps import sign_in
from tests.routes import Who

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("who", list(Who), ids=lambda who: who.name.lower())
def test_every_page_a_user_can_reach_passes_the_accessibility_checks(
    who, browser_page, live_world, scan_counts
):
    page = browser_page
    if who is not Who.ANONYMOUS:
        sign_in(page, live_world.users[who])
    problems: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    scanned = 0
    for target in pages_for(who, live_world):
        try:
            response = page.goto(target.url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            problems[f"{target.name} {target.url}"] = [
                "a download, not a page: declare its Route with page=False"
            ]
            continue
        assert response is not None, target.url
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        found = []
        if response.status != target.status:
            found.append(f"status {response.status}, expected {target.status}")
        found.extend(page_problems(page))
        title = page.title()
        if target.status == 200 and title in titles and titles[title] != target.name:
            found.append(f"title {title!r} is also the title of {titles[title]}")
        titles.setdefault(title, target.name)
        if found:
            problems[f"{target.name} {target.url}"] = found
        scanned += 1
    scan_counts[str(who)] = scanned
    assert scanned > 0
    report = "\n".join(
        f"{where}:\n  - " + "\n  - ".join(found) for where, found in problems.items()
    )
    assert not problems, f"Accessibility problems for {who}:\n{report}"
