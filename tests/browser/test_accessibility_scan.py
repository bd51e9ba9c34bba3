"""The accessibility scan: every page each kind of user can reach (discovered from
the Route declarations in tests/routes/) passes axe-core's WCAG 2.2 A and AA rules
with no serious or critical violation, has one h1, a well-formed title unique
among that user's pages, a label on every field and errors in an error summary.

All kinds of user are scanned in one test, each in their own browser context:
the live server's database is emptied after every test, which costs seconds, so
one world serves every role."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.checks import page_problems
from tests.browser.discovery import pages_for
from tests.browser.steps import sign_in
from tests.routes import Who

pytestmark = pytest.mark.browser


def _scan(page, who: Who, world, only: str = "") -> tuple[int, dict[str, list[str]]]:
    problems: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    scanned = 0
    for target in pages_for(who, world):
        if not target.name.startswith(only):
            continue
        where = f"{target.name} {target.url}"
        try:
            response = page.goto(target.url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            problems[where] = ["a download, not a page: declare its Route with page=False"]
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
            problems[where] = found
        scanned += 1
    return scanned, problems


def test_every_page_each_user_can_reach_passes_the_accessibility_checks(
    open_page, live_world, scan_counts
):
    report = []
    for who in Who:
        page = open_page()
        if who is not Who.ANONYMOUS:
            sign_in(page, live_world.users[who])
        scanned, problems = _scan(page, who, live_world)
        page.context.close()
        scan_counts[str(who)] = scanned
        assert scanned > 0, f"no page scanned for {who}"
        report.extend(
            f"As {who}, {where}:\n  - " + "\n  - ".join(found) for where, found in problems.items()
        )
    assert not report, "Accessibility problems:\n" + "\n".join(report)


def test_the_case_study_pages_filled_in_pass_the_accessibility_checks(open_page, live_world):
    """The case study pages as their authors and approvers see them: the start form
    for a consenting learner (and the refusal for the world's learner, who gave no
    consent), and the studies with their text and skills chart. A short run of the
    scan above, for working on these pages."""
    from django.urls import reverse

    report = []
    for who in (Who.RM, Who.DIRECTOR):
        page = open_page()
        sign_in(page, live_world.users[who])
        scanned, problems = _scan(page, who, live_world, only="reports:case_study")
        assert scanned >= 2, f"too few case study pages scanned for {who}"
        report.extend(
            f"As {who}, {where}:\n  - " + "\n  - ".join(found) for where, found in problems.items()
        )
        # What was scanned is the filled state, not only the refusal.
        draft = live_world.extra["case_study_draft"]
        page.goto(reverse("reports:case_study_detail", kwargs={"pk": draft.pk}))
        assert page.get_by_test_id("case-study-chart").locator("svg").count() == 1
        if who is Who.RM:
            consenting = live_world.extra["case_study_learner"]
            page.goto(reverse("reports:case_study_start", kwargs={"pk": consenting.pk}))
            assert page.get_by_label("I never thought I could build a website", exact=False).count()
        page.context.close()
    assert not report, "Accessibility problems:\n" + "\n".join(report)


def test_the_pages_for_learners_pass_the_accessibility_checks(
    chromium, live_server, transactional_db, scan_counts
):
    """Every page a released learner reaches from their link, on a phone-sized
    screen, including the forms with their errors shown."""
    from django.urls import reverse

    from tests.browser.conftest import new_page
    from tests.browser.discovery import LEARNER_PAGES, PHONE
    from tests.browser.test_self_report_journey import learner_with_a_link
    from tests.resettlement.self_report_world import BIRTH

    token = learner_with_a_link()
    page = new_page(chromium, live_server.url)
    page.set_viewport_size(PHONE)
    seen: dict[str, list[str]] = {}

    def check(name: str) -> None:
        seen[name] = page_problems(page)

    page.goto(reverse("own:start", kwargs={"token": token}))
    check("own:start")
    page.get_by_role("button", name="Continue").click()
    check("own:start (with errors)")
    page.get_by_label("Day").fill(str(BIRTH.day))
    page.get_by_label("Month").fill(str(BIRTH.month))
    page.get_by_label("Year").fill(str(BIRTH.year))
    page.get_by_role("button", name="Continue").click()
    check("own:report")
    page.get_by_role("button", name="Send my answers").click()
    check("own:report (with errors)")
    page.get_by_label("On a training course or bootcamp").check()
    page.get_by_label("No, not at the moment").check()
    page.get_by_role("button", name="Send my answers").click()
    check("own:thanks")
    page.get_by_role("link", name="See your progress with Code4000").click()
    check("own:progress")
    page.goto(reverse("own:ended"))
    check("own:ended")
    page.context.close()
    assert {name.split(" ")[0] for name in seen} == set(LEARNER_PAGES)
    scan_counts["learner (own pages)"] = len(seen)
    report = [f"{name}:\n  - " + "\n  - ".join(found) for name, found in seen.items() if found]
    assert not report, "Accessibility problems:\n" + "\n".join(report)
