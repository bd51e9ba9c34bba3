"""A director's day: the programme figures on the dashboard, a partner report asked
for, its progress watched, the PDF downloaded and read, from sign-in to sign-out.

The world is the reports' hand-built one (tests/reports/world.py), whose every
figure is known: with only a few learners every count would be "fewer than 5",
and the dashboard and the PDF would show nothing worth checking.

The PDF is made by a real Celery worker on the Redis the tests use, started only
once the report page shows the request queued, so the page is seen waiting and
then finishing by itself (static/js/progress.js) without the person reloading.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Role
from audit.models import AuditEvent
from code4000.celery import app
from reports.models import Partner, ReportRun, RunStatus
from tests.browser.checks import assert_page_passes
from tests.browser.steps import fill_date, screenshot, sign_in, sign_out
from tests.reports.world import build_hand_built_world

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

PARTNER = Partner.DCMS
# Set on the window of the report page: it survives an update made in place and
# is gone once the page has loaded again.
MARKER = "window.ljSamePage"


def _asks_for_progress(page):
    return lambda request: request.resource_type == "fetch" and request.url == page.url


def _headline(page, key: str):
    return page.locator(f"[data-testid='headline-figures'] [data-figure='{key}'] td")


def _outcome(page, group: int, key: str):
    return page.locator(f"[data-testid='outcomes-{group}'] [data-outcome='{key}'] td")


def test_director_makes_and_downloads_a_partner_report(
    browser_page, live_server, prison, other_prison, make_user, artifacts, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    owner = make_user(Role.TUTOR, [prison])
    build_hand_built_world(prison, other_prison, owner)
    director = make_user(Role.DIRECTOR, full_name="Dana Director")
    page = browser_page
    heading = page.get_by_role("heading", level=1)

    sign_in(page, director)
    expect(heading).to_have_text("Welcome, Dana")

    # The dashboard, narrowed to 2025 at HMP Humber.
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(heading).to_have_text("Programme figures")
    assert_page_passes(page)
    fill_date(page, "From", dt.date(2025, 1, 1))
    fill_date(page, "To", dt.date(2025, 12, 31))
    page.get_by_label("HMP Humber").check()
    page.get_by_label("HMP Risley").uncheck()
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_test_id("report-scope")).to_have_text(
        "From 1 January 2025 to 31 December 2025, for HMP Humber."
    )
    # The released figures (issue 14): rounded to the nearest 5, shares from the rounded counts.
    expect(page.get_by_test_id("figures-version")).to_contain_text("the released figures")
    expect(_headline(page, "learners")).to_have_text("15")
    expect(_headline(page, "graduates")).to_have_text("10")
    expect(_headline(page, "reviews_on_time")).to_contain_text("100%")
    expect(_headline(page, "returns_to_custody")).to_have_text("fewer than 5")
    expect(_outcome(page, 1, "positive")).to_have_text(["5", "50%"])
    assert_page_passes(page)
    screenshot(page, artifacts, "01-dashboard")
    # The exact figures, for the director inside Code4000: released graduates, 7 of
    # 10 in a positive outcome; HMP Risley's is not counted.
    page.get_by_test_id("figures-switch").click()
    expect(page.get_by_test_id("figures-version")).to_contain_text("the exact figures")
    expect(_headline(page, "learners")).to_have_text("17")
    expect(_headline(page, "reviews_on_time")).to_contain_text("80%")
    expect(_outcome(page, 1, "positive")).to_have_text(["7", "70%"])
    assert_page_passes(page)
    screenshot(page, artifacts, "01b-dashboard-exact")

    # Ask for a partner report: a period that ends before it starts first.
    page.get_by_role("link", name="Partner reports (PDF)").click()
    expect(heading).to_have_text("Partner reports")
    expect(page.get_by_text("No partner report has been made yet.")).to_be_visible()
    page.get_by_label("Partner").select_option(label=PARTNER.label)
    fill_date(page, "From", dt.date(2025, 12, 31))
    fill_date(page, "To", dt.date(2025, 1, 1))
    page.get_by_label("HMP Humber").check()
    page.get_by_label("HMP Risley").uncheck()
    page.get_by_role("button", name="Make the report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The end of the period must be after its start")
    assert_page_passes(page)
    screenshot(page, artifacts, "02-partner-report-error")
    assert not ReportRun.objects.exists()

    app.control.purge()  # nothing left on this Redis db by an earlier run
    fill_date(page, "From", dt.date(2025, 1, 1))
    fill_date(page, "To", dt.date(2025, 12, 31))
    page.get_by_role("button", name="Make the report").click()
    expect(heading).to_have_text(f"{PARTNER.label} report")
    progress = page.get_by_role("status")
    expect(progress).to_contain_text("Progress: 0% (queued)")
    expect(progress.get_by_label("Progress: 0% (queued)")).to_have_js_property("value", 0)
    expect(page.get_by_role("link", name="Download the PDF")).to_have_count(0)
    assert_page_passes(page)
    screenshot(page, artifacts, "03-report-queued")

    # The page asks for the progress again by itself, in place, and leaves the live
    # region alone while nothing has changed (a screen reader would say it again).
    page.evaluate(f"{MARKER} = true")
    label = page.locator("[data-lj-progress] label")
    label.evaluate("label => { label.ljKept = true }")  # a property, not in the HTML
    for _ in range(2):  # the second ask is made once the first answer has been handled
        with page.expect_request(_asks_for_progress(page), timeout=10_000):
            pass
    expect(progress).to_contain_text("Progress: 0% (queued)")
    assert page.evaluate(MARKER) is True, "the page reloaded instead of updating the progress"
    assert label.evaluate("label => label.ljKept === true"), "unchanged progress was swapped"

    # A worker makes the PDF; the page shows the finished report without a reload
    # by the person.
    app.loader.import_default_modules()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
        expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("run-status")).to_have_text(RunStatus.DONE.label)
    expect(progress).to_have_count(0)
    assert page.evaluate(f"typeof {MARKER}") == "undefined"
    assert_page_passes(page)
    screenshot(page, artifacts, "04-report-done")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Prepared for the {PARTNER.label}" in text
    assert "HMP Humber" in text
    assert "HMP Risley" not in text
    assert "Learners on the programme 15" in text
    assert "50%" in text

    sign_out(page)

    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE
    actions = list(
        AuditEvent.objects.filter(action__startswith="report.partner.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "report.partner.request",
        "report.partner.generate",
        "report.partner.download",
    ]
