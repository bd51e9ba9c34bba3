"""The audit trail's table fits at 1280 px (the Outcome column is not cut off)
and reflows at 320 px without scrolling sideways (issue 17, item 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from audit.services import audit_record
from tests.browser.steps import sign_in
from tests.routes import Who

pytestmark = pytest.mark.browser

WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  viewport: document.documentElement.clientWidth,
  table: document.querySelector('.lj-audit-table').getBoundingClientRect().right,
})"""


def test_the_audit_table_fits_at_1280_and_reflows_at_320(browser_page, live_world):
    director = live_world.users[Who.DIRECTOR]
    long_label = "a.very.long.email.address.typed.at.sign.in@some-partner-organisation.example"
    audit_record(actor=None, action="auth.sign_in_with_a_long_action_code", actor_label=long_label)
    page = browser_page
    sign_in(page, director)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("audit:list"))
    outcome = page.get_by_role("columnheader", name="Outcome")
    expect(outcome).to_be_in_viewport()
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["viewport"], widths
    assert widths["table"] <= widths["viewport"], widths

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["viewport"], widths
    expect(page.get_by_text(long_label)).to_be_visible()
