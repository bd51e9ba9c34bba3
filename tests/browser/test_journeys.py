"""Each role's day, as far as the service is built: sign in (a wrong password first,
then the right one), the home page, changing the password (a mistake first), and
signing out. Every page visited passes the accessibility checks, and the key pages
are kept as screenshots under test-artifacts/browser/.

Journeys for pages still to come (enrolment, reviews, resettlement, reports) are
added by the issues that build those pages, using the steps in steps.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.forms import SIGN_IN_ERROR
from audit.models import AuditEvent, Outcome
from tests.browser.checks import assert_page_passes
from tests.browser.steps import screenshot, sign_in, sign_out
from tests.factories import TEST_PASSWORD
from tests.routes import Who

pytestmark = pytest.mark.browser

ROLES = [Who.TUTOR, Who.RM, Who.OMU, Who.DIRECTOR, Who.ADMIN]


def _active_element_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who.name.lower())
def test_a_day_in_the_service(who, browser_page, live_world, artifacts):
    page = browser_page
    user = live_world.users[who]

    # Signed out, the service sends them to sign in.
    page.goto(reverse("home"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Sign in to Learner Journey")
    assert_page_passes(page)
    screenshot(page, artifacts, "01-sign-in")

    # A wrong password: the error summary says what is wrong and links to the field.
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(SIGN_IN_ERROR)
    expect(page).to_have_title(f"Error: Sign in{page.title().removeprefix('Error: Sign in')}")
    assert_page_passes(page)
    screenshot(page, artifacts, "02-sign-in-error")
    summary.get_by_role("link").first.click()
    assert _active_element_id(page) == "id_username", "the summary link does not reach the field"

    # The right password: their home page, with their name and role.
    sign_in(page, user)
    expect(heading).to_have_text(f"Welcome, {user.get_short_name()}")
    expect(page.get_by_test_id("home-role")).to_have_text(f"Your role: {user.get_role_display()}.")
    expect(page.get_by_test_id("signed-in-role")).to_be_visible()
    assert_page_passes(page)
    screenshot(page, artifacts, "03-home")

    # Change the password: a wrong current password first, then properly.
    page.get_by_role("link", name="Change your password").click()
    expect(heading).to_have_text("Change your password")
    assert_page_passes(page)
    # Nothing of the person's names or email in it: the password rules refuse those.
    new_password = f"quiet-lantern-harbour-{len(who.name) * 7919}"
    page.get_by_label("Old password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password confirmation").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(summary).to_be_visible()
    assert page.title().startswith("Error: Change your password")
    assert_page_passes(page)
    screenshot(page, artifacts, "04-password-error")
    page.get_by_label("Old password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password confirmation").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(heading).to_have_text("Your password has been changed")
    assert_page_passes(page)
    screenshot(page, artifacts, "05-password-changed")
    page.get_by_role("link", name="Go to your home page").click()
    expect(heading).to_have_text(f"Welcome, {user.get_short_name()}")

    # Sign out; the new password is the one that works now.
    sign_out(page)
    screenshot(page, artifacts, "06-signed-out")
    sign_in(page, user, new_password)
    sign_out(page)

    # The audit trail holds what happened, in order.
    events = AuditEvent.objects.filter(
        actor_label=user.email, action__in=["auth.sign_in", "auth.sign_out"]
    ).order_by("pk")
    assert [(e.action, e.outcome) for e in events] == [
        ("auth.sign_in", Outcome.FAILURE),
        ("auth.sign_in", Outcome.SUCCESS),
        ("auth.sign_out", Outcome.SUCCESS),
        ("auth.sign_in", Outcome.SUCCESS),
        ("auth.sign_out", Outcome.SUCCESS),
    ]
