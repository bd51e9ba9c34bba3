"""The checks themselves find what they are meant to find (so a passing scan means
something): a page with known faults fails each check."""

from __future__ import annotations

import pytest

from tests.browser.checks import TITLE_SUFFIX, axe_violations, page_problems
from tests.browser.conftest import new_page

pytestmark = pytest.mark.browser

FAULTY_PAGE = """<!DOCTYPE html>
<html><head><title>Faulty</title></head>
<body>
  <main>
    <div class="govuk-error-summary"><ul class="govuk-error-summary__list">
      <li><a href="#nowhere">Enter a name</a></li></ul></div>
    <h1>One</h1><h1>Two</h1>
    <p class="govuk-error-message">Enter a name</p>
    <input type="text" name="name">
    <p style="color:#aaaaaa;background:#ffffff">Pale grey text on white</p>
    <img src="x.png">
  </main>
</body></html>"""


def test_a_faulty_page_fails_every_check(chromium):
    page = new_page(chromium, "http://faulty.invalid")
    # Served by the browser itself (no Content-Security-Policy to block its inline
    # style); axe is loaded into it like any other document.
    page.route(
        "**/faulty-page/",
        lambda route: route.fulfill(body=FAULTY_PAGE, content_type="text/html; charset=utf-8"),
    )
    page.route("**/x.png", lambda route: route.fulfill(status=404))
    page.goto("/faulty-page/")
    problems = "\n".join(page_problems(page))
    assert f"title 'Faulty' is not 'Page{TITLE_SUFFIX}'" in problems
    assert "2 h1 elements" in problems
    assert "field without a <label>" in problems
    assert "'Error: ' in its title" in problems
    assert "points at no field (#nowhere)" in problems
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"color-contrast", "label", "image-alt"} <= found
    page.context.close()
