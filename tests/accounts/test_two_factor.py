"""Two-factor sign-in: enrolment with a QR code, the code after the password,
codes not reusable, backup codes, reset by an administrator, the admin site."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BackupCode
from audit.models import AuditEvent, Outcome
from tests.clients import StaffClient
from tests.factories import TEST_PASSWORD
from tests.otp import confirmed_device_for, totp_code_for
from tests.routes import Who, all_routes

pytestmark = pytest.mark.django_db


def password_only(client, user):
    response = client.post(
        reverse("accounts:sign_in"), {"username": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return response


def test_first_sign_in_enrols_an_app_with_a_qr_code_and_gives_backup_codes(client, tutor):
    password_only(client, tutor)
    response = client.get(reverse("accounts:two_factor"))
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html and "Set up your authenticator app" in html
    device = TOTPDevice.objects.get(user=tutor, confirmed=False)
    key_before = client.session.session_key
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "Enter the current code" in wrong.content.decode()
    device.confirmed = True  # so the helper reads this device's code
    device.save()
    code = totp_code_for(tutor)
    device.confirmed = False
    device.save()
    done = client.post(reverse("accounts:two_factor_setup"), {"code": code})
    assert done.status_code == 200  # the backup codes, shown this once
    assert "Save your backup codes" in done.content.decode()
    assert client.session.session_key != key_before
    device.refresh_from_db()
    assert device.confirmed
    shown = re.findall(r"<code>([0-9a-z-]{14})</code>", done.content.decode())
    assert len(shown) == BackupCode.objects.filter(user=tutor).count() == 10
    codes_page = client.get(reverse("accounts:backup_codes")).content.decode()
    assert not any(code in codes_page for code in shown)
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enrol", actor=tutor).count() == 2


def test_password_only_session_is_sent_to_the_code_prompt_from_every_page(world):
    """Every page a signed-in person can reach, the admin included, sends a
    password-only session to the code prompt."""
    user = world.users[Who.ADMIN]
    confirmed_device_for(user)
    client = StaffClient()
    client.force_login(user, verified=False)
    prompt = reverse("accounts:two_factor")
    checked = 0
    for route in all_routes():
        if not route.page and not route.name.startswith("admin:"):
            continue
        url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
        response = client.get(url)
        assert response.status_code == 302, f"{url}: {response.status_code}"
        assert response["Location"].startswith(prompt), f"{url} -> {response['Location']}"
        checked += 1
    assert checked >= 3
    assert client.get(prompt).status_code == 200


def test_the_code_prompt_completes_sign_in_and_changes_the_session_key(client, tutor):
    code = totp_code_for(tutor)
    password_only(client, tutor)
    key_after_password = client.session.session_key
    response = client.post(reverse("accounts:two_factor"), {"code": code, "next": "/"})
    assert response["Location"] == "/"
    assert client.session.session_key != key_after_password
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action="auth.two_factor", actor=tutor)
    assert event.outcome == Outcome.SUCCESS


def test_a_used_code_is_refused_the_second_time(tutor):
    code = totp_code_for(tutor)
    first = StaffClient()
    password_only(first, tutor)
    assert first.post(reverse("accounts:two_factor"), {"code": code})["Location"] == "/"
    second = StaffClient()
    password_only(second, tutor)
    refused = second.post(reverse("accounts:two_factor"), {"code": code})
    assert refused.status_code == 400
    assert "Enter the current code" in refused.content.decode()
    assert second.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.two_factor", actor=tutor, outcome=Outcome.FAILURE
    ).exists()


def test_a_wrong_code_is_refused(client, tutor):
    confirmed_device_for(tutor)
    password_only(client, tutor)
    response = client.post(reverse("accounts:two_factor"), {"code": "12345"})
    assert response.status_code == 400
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor"))


def test_setting_up_again_needs_the_code_first(client, tutor):
    """Someone with only the password cannot enrol their own app over the real one."""
    confirmed_device_for(tutor)
    password_only(client, tutor)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response["Location"] == reverse("accounts:two_factor")
    assert TOTPDevice.objects.filter(user=tutor).count() == 1


def test_an_administrator_resets_two_factor_and_it_is_audited(client, administrator, tutor):
    confirmed_device_for(tutor)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [tutor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=tutor).exists()
    event = AuditEvent.objects.get(action="auth.two_factor_reset")
    assert (event.actor, event.object_id) == (administrator, str(tutor.pk))
    other = StaffClient()
    password_only(other, tutor)
    assert other.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_admin_site_needs_the_second_factor(administrator):
    client = StaffClient()
    client.force_login(administrator, verified=False)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    verified = StaffClient()
    verified.force_login(administrator)
    assert verified.get(reverse("admin:index")).status_code == 200


def test_qr_code_encodes_the_provisioning_uri(client, tutor):
    client.force_login(tutor, verified=False)
    html = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert re.search(r'<img class="lj-qr-code" src="data:image/svg\+xml', html)
    device = TOTPDevice.objects.get(user=tutor, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/Learner%20Journey")
    typed = re.search(r'<code class="lj-secret">([A-Z2-7 ]+)</code>', html).group(1)
    from base64 import b32decode

    compact = typed.replace(" ", "")
    assert b32decode(compact + "=" * (-len(compact) % 8)).hex() == device.key


def test_the_admin_cannot_read_anyones_second_factor(client, administrator, tutor):
    """No admin page shows a TOTP secret or backup codes."""
    from django.urls import NoReverseMatch

    for name in (
        "admin:otp_totp_totpdevice_changelist",
        "admin:otp_static_staticdevice_changelist",
    ):
        with pytest.raises(NoReverseMatch):
            reverse(name)


def test_the_code_prompt_shows_nothing_about_the_person(client, make_user):
    """Someone with only the password learns nothing: no name, role or unread count."""
    user = make_user(full_name="Zebedee Quartermaine")
    confirmed_device_for(user)
    password_only(client, user)
    for url in (reverse("accounts:two_factor"), reverse("accounts:two_factor_setup")):
        html = client.get(url, follow=True).content.decode()
        assert "Zebedee" not in html and "Quartermaine" not in html
        assert "Tutor" not in html
        assert 'data-testid="signed-in-user"' not in html
        assert 'data-testid="header-notifications"' not in html and "unread" not in html
        assert "Change your password" not in html
        assert "Service navigation" not in html


def test_the_setup_page_shows_nothing_about_the_person(client, make_user):
    user = make_user(full_name="Zebedee Quartermaine")
    password_only(client, user)
    html = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "Set up your authenticator app" in html
    assert "Zebedee" not in html and "Tutor" not in html
    assert 'data-testid="signed-in-user"' not in html


def test_once_the_code_is_given_the_header_shows_the_person(client, make_user):
    user = make_user(full_name="Zebedee Quartermaine")
    password_only(client, user)
    client.post(reverse("accounts:two_factor"), {"code": totp_code_for(user)})
    html = client.get(reverse("home")).content.decode()
    assert "Zebedee Quartermaine" in html and 'data-testid="signed-in-role"' in html
