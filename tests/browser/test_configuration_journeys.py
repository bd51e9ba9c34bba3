"""Issue 16's journeys: the administrator runs staff without the admin site, and a
regional manager looks after an employer's opportunity.

- administrator: invites a tutor (a mistake first), gives them a second prison;
  the tutor opens the emailed link, chooses a password, signs in for the first
  time and sets up their authenticator app;
- regional manager: opens Employment, changes an opportunity (a mistake first)
  and closes it.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Role, User
from audit.models import AuditEvent
from configuration.tasks import staff_invitation_send
from learners.models import Learner, TimelineEvent
from notifications.models import AccountEmail
from resettlement.models import Opportunity
from tests.browser.test_role_journeys import Walk, heading
from tests.routes import Who

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-first-passphrase"


def _code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{totp.token():0{device.digits}d}"


def test_administrator_invites_a_tutor_who_signs_in_and_sets_up_two_factor(
    open_page, live_world, live_server, artifacts
):
    admin = live_world.users[Who.ADMIN]
    page = open_page()
    walk = Walk(page, artifacts)
    walk.sign_in(admin)

    page.get_by_role("link", name="Configuration", exact=True).click()
    expect(heading(page)).to_have_text("Configuration")
    walk.see("configuration")
    page.get_by_role("link", name="Staff", exact=True).click()
    expect(heading(page)).to_have_text("Staff")
    walk.see("staff")
    page.get_by_role("link", name="Invite a member of staff").click()
    walk.see("invite")

    # A mistake: a tutor with no prison.
    page.get_by_label("Full name").fill("Nia Newton")
    page.get_by_label("Email address").fill("nia.newton@code4000.example")
    page.get_by_label("Tutor", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    walk.see("invite-error")
    assert walk.follow_error_summary("Choose at least one prison for a tutor") == "id_prisons_1"
    page.get_by_label("HMP Humber (HMI)").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Invitation sent")
    walk.see()

    # Give them a second prison.
    page.get_by_role("link", name="Nia Newton").click()
    expect(heading(page)).to_have_text("Nia Newton")
    walk.see("staff-detail")
    page.get_by_role("link", name="Change role and prisons of Nia Newton").click()
    walk.see()
    page.get_by_label("HMP Risley (RSI)").check()
    page.get_by_role("button", name="Save changes").click()
    walk.see()
    person = User.objects.get(email="nia.newton@code4000.example")
    assert person.role == Role.TUTOR
    assert set(person.prisons.values_list("code", flat=True)) == {"HMI", "RSI"}
    assert list(
        AuditEvent.objects.filter(action__startswith="configuration.staff", actor=admin)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["configuration.staff.invite", "configuration.staff.update"]
    walk.sign_out()

    # The invitation email: no Celery worker runs in the browser suite, so the
    # task the invitation queued runs here (tests/configuration tests the queueing).
    invitation = AccountEmail.objects.get(recipient=person)
    assert staff_invitation_send(invitation.pk) == "sent"
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/accounts/password-reset/" in line
    )
    path = "/accounts/password-reset/" + link.split("/accounts/password-reset/", 1)[1]

    tutor_page = open_page()
    tutor_walk = Walk(tutor_page, artifacts)
    tutor_page.goto(live_server.url + path)
    expect(heading(tutor_page)).to_have_text("Choose a new password")
    tutor_walk.see("choose-password")
    tutor_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    tutor_page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    tutor_page.get_by_role("button", name="Set password").click()
    tutor_walk.see()

    tutor_page.goto(live_server.url + "/accounts/sign-in/")
    tutor_walk.see()
    tutor_page.get_by_label("Email address").fill(person.email)
    tutor_page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    tutor_page.get_by_role("button", name="Sign in").click()
    tutor_page.wait_for_load_state()
    tutor_walk.see("set-up-two-factor")
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    tutor_page.get_by_label("Security code").fill(_code_for(device))
    tutor_page.get_by_role("button", name="Confirm and continue").click()
    tutor_walk.see("backup-codes")
    expect(tutor_page.get_by_test_id("signed-in-user")).to_have_text("Nia Newton")
    assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1
    person.refresh_from_db()
    assert person.has_usable_password()


def test_regional_manager_changes_an_opportunity_and_closes_it(browser_page, live_world, artifacts):
    page, manager = browser_page, live_world.users[Who.RM]
    opportunity = live_world.extra["opportunity"]
    walk = Walk(page, artifacts)
    walk.sign_in(manager)

    page.get_by_role("link", name="Employment", exact=True).click()
    expect(heading(page)).to_have_text("Employers and opportunities")
    walk.see("employment")
    page.get_by_role("link", name="Change Junior developer at Humber Digital").click()
    walk.see("change-opportunity")

    # A mistake: the location is emptied.
    page.get_by_label("Location").fill("")
    page.get_by_role("button", name="Save changes").click()
    walk.see("change-opportunity-error")
    assert walk.follow_error_summary("Enter the location") == "id_location"
    page.get_by_label("Location").fill("Leeds")
    page.get_by_label("Role").fill("Junior web developer")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    walk.see()

    page.get_by_role("link", name="Close Junior web developer at Humber Digital").click()
    expect(heading(page)).to_have_text("Close Junior web developer at Humber Digital")
    walk.see("close-opportunity")
    page.get_by_role("button", name="Close opportunity").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is closed")
    walk.see("closed")
    expect(
        page.get_by_role("link", name="Reopen Junior web developer at Humber Digital")
    ).to_be_visible()

    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    assert (opportunity.role, opportunity.location) == ("Junior web developer", "Leeds")
    assert opportunity.closed_on == timezone.localdate()
    assert TimelineEvent.objects.filter(
        learner=live_world.learner,
        summary="Junior web developer at Humber Digital: opportunity closed",
    ).exists()


def test_administrator_hands_on_a_departing_tutors_learners(browser_page, live_world, artifacts):
    """Issue 17 item 8: a tutor leaves; their learners go to another tutor at the
    same prison in one confirmed step, on each learner's timeline."""
    page, admin = browser_page, live_world.users[Who.ADMIN]
    departing = live_world.users[Who.TUTOR]
    receiving = live_world.extra["staff_member"]
    walk = Walk(page, artifacts)
    walk.sign_in(admin)

    page.get_by_role("link", name="Configuration", exact=True).click()
    expect(heading(page)).to_have_text("Configuration")
    walk.see()
    page.get_by_role("link", name="Staff", exact=True).click()
    expect(heading(page)).to_have_text("Staff")
    walk.see()
    page.get_by_role("link", name=departing.full_name, exact=True).click()
    walk.see("departing-tutor")
    page.get_by_role("link", name="Hand on their learners and open interventions").click()
    expect(heading(page)).to_have_text(f"Hand on {departing.full_name}'s learners")
    walk.see("hand-on")

    # A mistake: nobody chosen.
    page.get_by_role("button", name="Continue").click()
    walk.see("hand-on-error")
    walk.follow_error_summary("Choose at least one tutor to hand on to")
    page.get_by_label(f"{receiving.full_name} (HMP Humber)").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text(f"Check before you hand on {departing.full_name}'s learners")
    expect(page.get_by_test_id("hand-on-counts")).to_contain_text(receiving.full_name)
    walk.see("hand-on-confirm")
    assert Learner.objects.filter(tutor=departing).exists()  # nothing changed yet
    page.get_by_role("button", name="Hand on the learners").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("are handed on")
    walk.see("handed-on")

    assert not Learner.objects.filter(tutor=departing).exists()
    learner = Learner.objects.get(pk=live_world.learner.pk)
    assert learner.tutor == receiving
    assert TimelineEvent.objects.filter(
        learner=learner,
        summary__startswith=f"Tutor: {receiving.full_name} (handed on from {departing.full_name})",
    ).exists()


def test_regional_manager_hands_on_a_tutors_learners_from_a_learner_page(
    browser_page, live_world, artifacts
):
    """Issue 17 item 8: a regional manager hands on a departing tutor's learners at
    their own prisons, from the tutor row of one of those learners' pages."""
    from django.urls import reverse

    page, manager = browser_page, live_world.users[Who.RM]
    departing = live_world.users[Who.TUTOR]
    receiving = live_world.extra["staff_member"]
    walk = Walk(page, artifacts)
    walk.sign_in(manager)

    page.goto(reverse("learners:detail", kwargs={"pk": live_world.learner.pk}))
    walk.see("learner")
    page.get_by_role("link", name="Hand on all their learners").click()
    expect(heading(page)).to_have_text(f"Hand on {departing.full_name}'s learners")
    walk.see("rm-hand-on")
    page.get_by_label(f"{receiving.full_name} (HMP Humber)").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text(f"Check before you hand on {departing.full_name}'s learners")
    walk.see("rm-hand-on-confirm")
    page.get_by_role("button", name="Hand on the learners").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("are handed on")
    walk.see("rm-handed-on")

    assert Learner.objects.get(pk=live_world.learner.pk).tutor == receiving
    assert AuditEvent.objects.filter(action="configuration.staff.hand_on", actor=manager).exists()
