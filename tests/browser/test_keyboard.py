"""Keyboard only: a tutor signs in (a wrong password first), changes their
password and signs out without touching the mouse. Each element the journey
lands on must have a visible focus style, and errors must be reachable from the
error summary."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.checks import assert_page_passes
from tests.browser.steps import CODE_FIELD, prepare_sign_in, screenshot, security_code
from tests.factories import TEST_PASSWORD
from tests.routes import Who

pytestmark = pytest.mark.browser

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== "rgba(0, 0, 0, 0)";
  return {
    id: el.id, tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || "").trim(),
    inSummary: !!el.closest(".govuk-error-summary"),
    visible: outline || style.boxShadow !== "none",
  };
}"""


def focused(page: Page) -> dict:
    state = page.evaluate(_FOCUSED)
    assert state is not None, f"nothing has the keyboard focus on {page.url}"
    assert state["visible"], f"the focused element has no visible focus style: {state}"
    return state


def tab_to(page: Page, *, text: str = "", element_id: str = "", limit: int = 25) -> None:
    """Press Tab until the element with this text or id has the focus (as a person
    would), failing if it cannot be reached within `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(_FOCUSED) is None:
            continue  # the focus passed through the document itself (as at the end of a page)
        state = focused(page)
        if (element_id and state["id"] == element_id) or (text and state["text"] == text):
            return
    raise AssertionError(f"Tab never reached {text or element_id!r} on {page.url}")


def test_sign_in_change_password_and_sign_out_with_the_keyboard_only(
    browser_page, live_world, artifacts
):
    page = browser_page
    user = live_world.users[Who.TUTOR]
    prepare_sign_in(user)
    heading = page.get_by_role("heading", level=1)

    page.goto(reverse("accounts:sign_in"))
    assert focused(page)["id"] == "id_username", "the email field is not focused on arrival"
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type("not-my-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.wait_for_load_state("load")
    # GOV.UK Frontend moves the focus to the error summary; its link leads to the field.
    assert focused(page)["inSummary"], "the error summary does not take the focus"
    tab_to(page, text=page.locator(".govuk-error-summary__list a").first.inner_text())
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_username"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.locator(CODE_FIELD).count():  # two-factor sign-in: the code, by keyboard too
        code_id = page.locator(CODE_FIELD).first.get_attribute("id")
        if page.evaluate(_FOCUSED) is None or focused(page)["id"] != code_id:
            tab_to(page, element_id=code_id)
        page.keyboard.type(security_code(user))
        page.keyboard.press("Enter")
    expect(heading).to_have_text(f"Welcome, {user.get_short_name()}")
    page.wait_for_load_state("load")

    # The first Tab on a page reaches the skip link.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    tab_to(page, text="Change your password")
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Change your password")
    page.wait_for_load_state("load")
    new_password = "keyboard-only-copper-kettle"
    tab_to(page, element_id="id_old_password")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_new_password1"
    page.keyboard.type(new_password)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_new_password2"
    page.keyboard.type(new_password)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Change password"
    screenshot(page, artifacts, "01-password-form-by-keyboard")
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Your password has been changed")
    assert_page_passes(page)

    tab_to(page, text="Sign out")
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Sign in to Learner Journey")
    user.refresh_from_db()
    assert user.check_password(new_password)
