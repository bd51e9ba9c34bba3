"""Backup codes: at least 10, each of at least 50 bits, stored only as keyed
digests, shown once when made; making a new set needs the password and a code
from the app, typed again, and wrong tries count towards the lockout."""

import math
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BackupCode
from accounts.two_factor import BACKUP_CODE_ALPHABET
from audit.models import AuditEvent
from tests.clients import StaffClient
from tests.factories import TEST_PASSWORD
from tests.otp import confirmed_device_for, totp_code_for

pytestmark = pytest.mark.django_db

CODE = re.compile(r"<code[^>]*>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>")


def codes_in(response) -> list[str]:
    return CODE.findall(response.content.decode())


def make_new_codes(client, user, *, password=TEST_PASSWORD, code=None, steps_ahead=0):
    code = code if code is not None else totp_code_for(user, steps_ahead=steps_ahead)
    return client.post(reverse("accounts:backup_codes"), {"password": password, "code": code})


def enrol(client, user) -> list[str]:
    client.post(reverse("accounts:sign_in"), {"username": user.email, "password": TEST_PASSWORD})
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    device.confirmed = True  # so the helper reads this device's code
    device.save()
    code = totp_code_for(user)
    device.confirmed = False
    device.save()
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code})
    assert response.status_code == 200
    assert "Save your backup codes" in response.content.decode()
    return codes_in(response)


def test_enrolment_shows_ten_strong_codes_once_and_stores_only_digests(client, tutor):
    codes = enrol(client, tutor)
    assert len(codes) >= 10 and len(set(codes)) == len(codes)
    for code in codes:
        bits = len(code.replace("-", "")) * math.log2(len(BACKUP_CODE_ALPHABET))
        assert bits >= 50
    stored = list(BackupCode.objects.filter(user=tutor).values_list("digest", flat=True))
    assert len(stored) == len(codes)
    for code in codes:
        plain = code.replace("-", "")
        assert not any(plain in digest or code in digest for digest in stored)
    page = client.get(reverse("accounts:backup_codes"))
    assert page.status_code == 200
    assert codes_in(page) == []  # never shown again
    assert "You have 10 unused backup codes" in page.content.decode()


def test_a_backup_code_works_once_whatever_its_case_and_spacing(tutor):
    setup = StaffClient()
    codes = enrol(setup, tutor)
    first = StaffClient()
    first.post(reverse("accounts:sign_in"), {"username": tutor.email, "password": TEST_PASSWORD})
    typed = codes[0].upper().replace("-", " ")
    assert first.post(reverse("accounts:two_factor"), {"code": typed})["Location"] == "/"
    assert first.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.filter(action="auth.two_factor").latest("pk")
    assert event.detail == {"method": "backup code"}
    second = StaffClient()
    second.post(reverse("accounts:sign_in"), {"username": tutor.email, "password": TEST_PASSWORD})
    assert second.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 400
    assert BackupCode.objects.filter(user=tutor).count() == 9


def test_a_session_alone_cannot_see_or_make_codes(client, tutor):
    client.force_login(tutor)
    before = set(BackupCode.objects.filter(user=tutor).values_list("digest", flat=True))
    empty = client.post(reverse("accounts:backup_codes"))
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "Enter your password" in html and "Enter the code from your authenticator app" in html
    assert codes_in(empty) == []
    assert set(BackupCode.objects.filter(user=tutor).values_list("digest", flat=True)) == before


def test_a_wrong_password_or_code_makes_no_codes(client, tutor):
    client.force_login(tutor)
    wrong_password = make_new_codes(client, tutor, password="not-my-password-at-all")
    assert wrong_password.status_code == 400
    assert "Your password is not right" in wrong_password.content.decode()
    wrong_code = make_new_codes(client, tutor, code="000000")
    assert wrong_code.status_code == 400
    assert "Enter the current code from your authenticator app" in wrong_code.content.decode()
    assert not BackupCode.objects.filter(user=tutor).exists()
    assert codes_in(wrong_code) == []


def test_the_password_and_a_fresh_code_make_a_new_set_and_end_the_old(client, tutor):
    old = enrol(client, tutor)
    response = make_new_codes(client, tutor, steps_ahead=1)
    assert response.status_code == 200
    new = codes_in(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(action="auth.backup_codes_regenerate", actor=tutor).exists()
    other = StaffClient()
    other.post(reverse("accounts:sign_in"), {"username": tutor.email, "password": TEST_PASSWORD})
    assert other.post(reverse("accounts:two_factor"), {"code": old[0]}).status_code == 400
    assert other.post(reverse("accounts:two_factor"), {"code": new[0]}).status_code == 302


def test_a_backup_code_cannot_stand_in_for_the_app_when_making_codes(client, tutor):
    codes = enrol(client, tutor)
    response = make_new_codes(client, tutor, code=codes[0])
    assert response.status_code == 400


def test_wrong_tries_at_making_codes_count_towards_the_lockout(client, tutor):
    confirmed_device_for(tutor)
    client.force_login(tutor)
    for _ in range(4):
        assert make_new_codes(client, tutor, password="not-my-password-at-all").status_code == 400
    locked = make_new_codes(client, tutor, password="not-my-password-at-all")
    assert locked.status_code == 429
    assert "too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert not BackupCode.objects.filter(user=tutor).exists()


def test_an_administrator_reset_removes_the_backup_codes(client, administrator, tutor):
    enrol(StaffClient(), tutor)
    client.force_login(administrator)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [tutor.pk]},
    )
    assert not BackupCode.objects.filter(user=tutor).exists()
