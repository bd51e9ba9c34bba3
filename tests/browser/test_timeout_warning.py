"""The timeout warning in a browser (issue 17, item 10; WCAG 2.2.1): it opens as a
modal dialog before the idle timeout, takes the focus, and "Stay signed in"
renews the session through the keep-alive endpoint and starts the count again."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.checks import axe_violations
from tests.browser.steps import sign_in
from tests.routes import Who

pytestmark = pytest.mark.browser


def test_the_warning_opens_before_the_timeout_and_stay_signed_in_keeps_the_session(
    browser_page, live_world, settings
):
    # 125 seconds of idle time the page counts (after a minute's allowance for
    # the renewal) and a two-minute warning: the dialog opens five seconds in.
    settings.SESSION_COOKIE_AGE = settings.SESSION_RENEW_SECONDS + 125
    page = browser_page
    sign_in(page, live_world.users[Who.TUTOR])
    page.goto(reverse("home"))

    heading = "You\N{RIGHT SINGLE QUOTATION MARK}re about to be signed out"
    dialog = page.get_by_role("dialog", name=heading)
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.get_by_role("heading", name=heading)).to_be_focused()
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    assert axe_violations(page) == []

    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:keep_alive"))) as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("signed-in-user")).to_be_visible()

    # The count started again: the warning comes back, and Escape also keeps the session.
    expect(dialog).to_be_visible(timeout=10_000)
    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:keep_alive"))) as kept:
        page.keyboard.press("Escape")
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("signed-in-user")).to_be_visible()
