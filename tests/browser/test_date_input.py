"""The GOV.UK date input in a browser (issue 17, item 7): three labelled boxes in a
group named by the question, one message for the group, and the error summary
takes the keyboard to the day box."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from learners.models import Transfer
from tests.browser.checks import assert_page_passes
from tests.browser.steps import fill_date, screenshot, sign_in
from tests.routes import Who

pytestmark = pytest.mark.browser


def test_a_half_typed_date_is_named_and_the_summary_goes_to_the_day_box(
    browser_page, live_world, artifacts
):
    page = browser_page
    sign_in(page, live_world.users[Who.RM])
    page.goto(reverse("learners:transfer", kwargs={"pk": live_world.learner.pk}))
    group = page.get_by_role("group", name="Date of transfer", exact=True)
    expect(group).to_contain_text("For example, 27 3 2026")
    assert page.locator('input[type="date"]').count() == 0
    group.get_by_label("Month", exact=True).fill("2")
    moved_to = page.get_by_label("Prison the learner moved to")
    moved_to.select_option(label=live_world.other_prison.name)
    page.get_by_label("Reason for the transfer").fill("Closer to family")
    page.get_by_role("button", name="Record transfer").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of transfer must include a day and a year")
    screenshot(page, artifacts, "01-transfer-date-error")
    assert_page_passes(page)
    summary.get_by_role("link", name="Date of transfer must include a day and a year").click()
    assert page.evaluate("document.activeElement.id") == "id_transferred_on_0"
    assert not Transfer.objects.exists()

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    fill_date(page, "Date of transfer", yesterday)
    page.get_by_role("button", name="Record transfer").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    assert Transfer.objects.get().transferred_on == yesterday
