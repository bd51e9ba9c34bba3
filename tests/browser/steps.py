"""Steps a person takes in the browser, shared by every journey.

Signing in lives in ONE function, `sign_in`: when two-factor sign-in arrives, it
fills the code field with `tests.otp.totp_code_for(user)` (provided with that
work) wherever the service asks for it, and every journey and the scan follow.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

# Where a one-time code is asked for: the autocomplete hint GOV.UK recommends for
# security codes, or a field named like one.
CODE_FIELD = (
    "input[autocomplete='one-time-code'], input[name='code'], input[name='otp_token'], "
    "input[name='token'], input[name$='-code'], input[name$='-otp_token']"
)


def totp_code(user) -> str:
    if importlib.util.find_spec("tests.otp") is None:
        raise AssertionError(
            "The sign-in page asks for a security code but tests/otp.py "
            "(totp_code_for(user)) does not exist."
        )
    return importlib.import_module("tests.otp").totp_code_for(user)


def _fill_code_if_asked(page: Page, user) -> bool:
    field = page.locator(CODE_FIELD).first
    if field.count() == 0 or not field.is_visible():
        return False
    field.fill(totp_code(user))
    return True


def sign_in(page: Page, user, password: str = TEST_PASSWORD, *, next_url: str = "") -> None:
    """Sign in through the sign-in page as a person would, including a security
    code when the service asks for one, and check the header names the user."""
    url = reverse("accounts:sign_in") + (f"?next={next_url}" if next_url else "")
    page.goto(url)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    _fill_code_if_asked(page, user)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    for _ in range(2):  # a code page may follow the password (once or, on a retry, twice)
        if not _fill_code_if_asked(page, user):
            break
        page.locator(CODE_FIELD).first.press("Enter")
        page.wait_for_load_state()
    expect(page.get_by_test_id("signed-in-user")).to_have_text(user.full_name)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Learner Journey")
    page.goto(reverse("home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Learner Journey")
    expect(page.get_by_test_id("signed-in-user")).to_have_count(0)


def screenshot(page: Page, folder: Path, name: str) -> None:
    """Keep a picture of the page for a person to look at (test-artifacts/browser/)."""
    page.wait_for_load_state("load")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
