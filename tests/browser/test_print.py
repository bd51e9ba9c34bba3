"""Printing a learner page leaves restricted text out (issue 13 item 14).

A regional manager sees restricted notes on screen, so a page printed or saved
as PDF from the browser must drop them: every restricted text goes through the
`{% restricted_text %}` tag and every restricted row carries `lj-no-print`, which
the print stylesheet hides. This test plants restricted markers as the marker
crawl does, opens every learner page the RM can reach (for each learner at the
prison), prints it to PDF with Chromium and reads the PDF's text."""

from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfReader

from learners.models import Learner
from learners.timeline import timeline_record
from tests.browser.steps import sign_in
from tests.routes import Who, all_routes
from tests.test_marker_crawl import _plant_restricted

LEARNER_APPS = ("learners:", "reviews:", "resettlement:")


def _learner_pages(world, learner_pks: list[int]) -> list[str]:
    urls = []
    for route in all_routes():
        if not (route.page and route.get[Who.RM] == 200 and route.name.startswith(LEARNER_APPS)):
            continue
        kwargs = route.kwargs(world)
        if kwargs.get("pk") not in learner_pks:
            continue  # not about a learner (an employer, a mentor)
        if set(kwargs) == {"pk"}:
            urls.extend(reverse(route.name, kwargs={"pk": pk}) + route.query for pk in learner_pks)
        else:
            urls.append(reverse(route.name, kwargs=kwargs) + route.query)
    return list(dict.fromkeys(urls))


def test_printed_learner_pages_hold_no_restricted_text(browser_page, live_world):
    world = live_world
    timeline_record(learner=world.learner, kind="intervention", summary="r", restricted=True)
    learners = Learner.objects.filter(prison=world.prison).order_by("pk")
    markers = [m.lower() for m in _plant_restricted(world, learners, "Zqprint")]
    page = browser_page
    sign_in(page, world.users[Who.RM])
    on_screen, printed = set(), []
    urls = _learner_pages(world, [learner.pk for learner in learners])
    assert len(urls) > 20
    for url in urls:
        page.goto(url)
        screen = page.inner_text("main").lower()
        on_screen.update(m for m in markers if m in screen)
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
        text = "\n".join(p.extract_text() or "" for p in pdf.pages).lower()
        printed.extend(f"{url} prints {m}" for m in markers if m in text)
    # The RM sees them on screen (so the test can fail) ...
    assert len(on_screen) >= 5, on_screen
    # ... and none reaches paper.
    assert printed == [], "\n".join(printed)
