"""Every page with a table fits at 1280 px (no column cut off, nothing to scroll
sideways) and reflows at 320 px (WCAG 1.4.10), for every kind of user (issue 17,
item 7). Pages come from the accessibility scan's list (tests/browser/discovery.py),
so a table added later is checked without a change here; a failure names the
user, the page, the width and how far the widest element reaches."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.discovery import pages_for
from tests.browser.steps import screenshot, sign_in
from tests.routes import Who

pytestmark = pytest.mark.browser

WIDTHS = (1280, 320)

# How far the page, and each table, reach past the viewport's right edge.
MEASURE = """() => {
  const viewport = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll('table')].map((table, index) => {
    const caption = table.querySelector('caption');
    const name = caption ? caption.textContent.trim().slice(0, 40) : `table ${index + 1}`;
    // The body's cells: below tablet width the head is visually hidden (clipped to
    // nothing), though its cells keep their layout boxes.
    const cells = [...table.querySelectorAll('tbody th, tbody td')];
    const right = Math.max(table.getBoundingClientRect().right,
                           ...cells.map((cell) => cell.getBoundingClientRect().right));
    return {name, right: Math.round(right)};
  });
  return {viewport, page: document.documentElement.scrollWidth, tables};
}"""


def _overflows(page, width: int, shot) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    page.reload()
    measured = page.evaluate(MEASURE)
    viewport = measured["viewport"]
    found = [
        f"at {width} px {table['name']} reaches {table['right']} px (the window is {viewport} px)"
        for table in measured["tables"]
        if table["right"] > viewport + 1
    ]
    if measured["page"] > viewport + 1:
        found.append(f"at {width} px the page scrolls sideways to {measured['page']} px")
    if found:
        shot(f"{width}")
    return found


def table_problems(page, who: Who, world, artifacts) -> tuple[int, list[str]]:
    checked, problems = 0, []
    for target in pages_for(who, world):
        if target.status != 200:
            continue
        page.set_viewport_size({"width": 1280, "height": 900})
        try:
            response = page.goto(target.url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if page.locator("table").count() == 0:
            continue
        checked += 1
        for width in WIDTHS:

            def shot(suffix: str, name=target.name) -> None:
                screenshot(page, artifacts, f"{who}-{name}-{suffix}".replace(" ", "-"))

            problems.extend(
                f"As {who}, {target.name} {target.url}: {problem}"
                for problem in _overflows(page, width, shot)
            )
    return checked, problems


def test_every_table_fits_at_1280_and_reflows_at_320(open_page, live_world, artifacts):
    report, checked = [], 0
    for who in (Who.DIRECTOR, Who.TUTOR, Who.OMU, Who.ADMIN):
        page = open_page()
        sign_in(page, live_world.users[who])
        count, problems = table_problems(page, who, live_world, artifacts)
        page.context.close()
        checked += count
        report.extend(problems)
    assert checked > 5, f"only {checked} pages with a table were found"
    assert not report, "Tables that do not fit:\n" + "\n".join(report)
