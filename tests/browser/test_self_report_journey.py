"""The self-report journey (issue 18), in the browser: the invitation task sends
the email through the real SMTP client to a socket sink; the learner follows the
link caught there on a phone-sized screen, confirms their date of birth (a wrong
one first), answers (a mistake first), and sees their own progress; then their
regional manager finds the answers in the work queue and confirms them."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.tasks import deliver_learner_invitation
from resettlement import self_reports
from resettlement.models import Outcome, SelfReport
from tests.browser.checks import assert_page_passes
from tests.browser.conftest import new_page
from tests.browser.discovery import PHONE
from tests.browser.steps import sign_in
from tests.factories import PrisonFactory, UserFactory
from tests.processes import SmtpSink
from tests.resettlement.self_report_world import BIRTH, released_learner, sent_link

pytestmark = pytest.mark.browser


def learner_with_a_link() -> str:
    """A released learner with a sent self-report link; returns the token."""
    prison = PrisonFactory(code="HLI", name="HMP Hull")
    rm = UserFactory(role="regional_manager", prisons=[prison], full_name="Rita Manager")
    learner = released_learner(prison, rm, prison_number="H1234JK")
    _link, token = sent_link(learner)
    return token


@pytest.fixture
def sink(settings):
    smtp = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    yield smtp
    smtp.close()


def test_a_learner_reports_through_the_emailed_link_and_their_manager_confirms(
    chromium, live_server, transactional_db, sink, settings
):
    settings.SITE_URL = live_server.url
    prison = PrisonFactory(code="HLI", name="HMP Hull")
    rm = UserFactory(role="regional_manager", prisons=[prison], full_name="Rita Manager")
    learner = released_learner(prison, rm, prison_number="H1234JK")
    [link_id] = self_reports.self_report_invitations_create()
    assert deliver_learner_invitation.apply(args=[link_id]).get() == "sent"
    assert len(sink.messages) == 1
    message = email.message_from_bytes(sink.messages[0], policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    [url] = re.findall(re.escape(live_server.url) + r"/you/[A-Za-z0-9_-]+/", text)

    # The learner, on their phone.
    phone = new_page(chromium)
    phone.set_viewport_size(PHONE)
    phone.goto(url)
    assert_page_passes(phone)
    expect(phone.locator("body")).not_to_contain_text(learner.first_name)
    phone.get_by_label("Day").fill("1")
    phone.get_by_label("Month").fill(str(BIRTH.month))
    phone.get_by_label("Year").fill(str(BIRTH.year))
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("could not open this link")
    assert_page_passes(phone)
    phone.get_by_label("Day").fill(str(BIRTH.day))
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tell us how you are doing")
    assert "/you/report/" in phone.url and url != "/you/report/"
    assert_page_passes(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("Select what you are doing now")
    phone.get_by_label("Working in a tech job (including an apprenticeship)").check()
    phone.get_by_label("Employer or course (optional)").fill("Humber Digital")
    phone.get_by_label("Yes, please get in touch").check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    assert_page_passes(phone)
    phone.get_by_role("link", name="See your progress with Code4000").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Your progress")
    assert_page_passes(phone)
    phone.context.close()
    report = SelfReport.objects.get(learner=learner)
    assert report.kinds == ["employed_tech"] and report.wants_support

    # Their regional manager, at a desk.
    desk = new_page(chromium, live_server.url)
    sign_in(desk, rm)
    queue = desk.get_by_test_id("self-reports-to-confirm")
    expect(queue).to_contain_text(learner.display_name)
    queue.get_by_role("link", name=learner.display_name).click()
    expect(desk.get_by_test_id("self-report-answers")).to_contain_text("Humber Digital")
    assert_page_passes(desk)
    expect(desk.get_by_label("Tech employer")).to_have_value("Humber Digital")
    desk.get_by_label("Tech role", exact=True).fill("Junior developer")
    desk.get_by_label("Junior").check()
    desk.get_by_role("button", name="Save follow-up").click()
    expect(desk.locator("body")).to_contain_text("1-month follow-up saved.")
    assert_page_passes(desk)
    desk.context.close()
    report.refresh_from_db()
    assert report.confirmed_at is not None
    assert list(Outcome.objects.filter(learner=learner).values_list("kind", flat=True)) == [
        "employed_tech"
    ]
    assert report.follow_up.confirmed_on == timezone.localdate()
    assert report.received_at > timezone.now() - dt.timedelta(minutes=5)
