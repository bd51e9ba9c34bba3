"""Steps a person takes in the browser, shared by every journey.

Signing in lives in ONE function, `sign_in`: when the service asks for a security
code (two-factor sign-in), it fills the field with `tests.otp.totp_code_for(user)`
(which comes with that work), and every journey and the scan follow.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
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


# An authenticator code works once: a second sign-in by the same user within one
# 30-second step (RFC 6238's default) takes the next step's code, which the device
# accepts as clock drift. The last step used is remembered per user.
TOTP_STEP = 30
_last_step: dict[str, int] = {}


def _otp_module():
    if importlib.util.find_spec("tests.otp") is None:
        return None
    return importlib.import_module("tests.otp")


def security_code(user) -> str:
    """The code the user's authenticator shows (tests/otp.py, which comes with
    two-factor sign-in), never one already used."""
    otp = _otp_module()
    if otp is None:
        raise AssertionError(
            "The sign-in page asks for a security code but tests/otp.py "
            "(totp_code_for(user)) does not exist."
        )
    totp_code_for = otp.totp_code_for
    now = int(time.time() // TOTP_STEP)
    ahead = max(0, _last_step.get(user.email, now - 1) + 1 - now)
    if ahead > 1:  # three sign-ins within one step: wait for the next one
        time.sleep(TOTP_STEP - time.time() % TOTP_STEP + 0.5)
        return security_code(user)
    _last_step[user.email] = now + ahead
    if ahead == 0:
        return totp_code_for(user)
    return totp_code_for(user, steps_ahead=ahead)


def _fill_code_if_asked(page: Page, user) -> bool:
    field = page.locator(CODE_FIELD).first
    if field.count() == 0 or not field.is_visible():
        return False
    field.fill(security_code(user))
    return True


def prepare_sign_in(user) -> None:
    """With two-factor sign-in, the user has already set up their authenticator app."""
    otp = _otp_module()
    if otp is not None and hasattr(otp, "confirmed_device_for"):
        otp.confirmed_device_for(user)


def sign_in(page: Page, user, password: str = TEST_PASSWORD, *, next_url: str = "") -> None:
    """Sign in through the sign-in page as a person would, including a security
    code when the service asks for one, and check the header names the user."""
    prepare_sign_in(user)
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


def fill_date(scope, legend: str, when) -> None:
    """Type a date into the GOV.UK date input named `legend` (day, month, year boxes)."""
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(when.day))
    group.get_by_label("Month", exact=True).fill(str(when.month))
    group.get_by_label("Year", exact=True).fill(str(when.year))


def screenshot(page: Page, folder: Path, name: str) -> None:
    """Keep a picture of the page for a person to look at (test-artifacts/browser/)."""
    page.wait_for_load_state("load")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
