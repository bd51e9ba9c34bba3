"""Lockout: five failed attempts for one account (password or security code, from
any addresses) lock the account out for 15 minutes, even with the right password;
twenty failures from one address lock that address out whatever the accounts.
The message says how long to wait, and the events are audited. Nothing tells
whether an account exists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts.forms import SIGN_IN_ERROR, locked_out_message
from audit.models import AuditEvent, Outcome
from tests.factories import TEST_PASSWORD
from tests.otp import confirmed_device_for, totp_code_for

pytestmark = pytest.mark.django_db


def sign_in(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:sign_in"),
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
    )


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, tutor):
    for _ in range(4):
        response = sign_in(client, tutor.email, "wrong-password-here")
        assert SIGN_IN_ERROR in response.content.decode()
    fifth = sign_in(client, tutor.email, "wrong-password-here")
    assert fifth.status_code == 429  # the fifth failure locks, and says so
    refused = sign_in(client, tutor.email, TEST_PASSWORD)
    assert refused.status_code == 429
    assert locked_out_message(timedelta(minutes=15)) in refused.content.decode()
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(action="auth.locked_out")
    assert [(e.outcome, e.actor_label) for e in events] == [(Outcome.DENIED, tutor.email)] * 2


def test_the_lock_holds_for_the_account_from_every_address(client, tutor, make_user):
    other = make_user()
    for n in range(5):
        sign_in(client, tutor.email, "wrong-password-here", ip=f"10.0.0.{n + 1}")
    refused = sign_in(client, tutor.email, TEST_PASSWORD, ip="10.0.0.99")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other people at the same address still sign in.
    assert sign_in(client, other.email, TEST_PASSWORD, ip="10.0.0.1").status_code == 302


def test_many_failures_from_one_address_lock_that_address(client, make_user):
    user = make_user()
    for n in range(20):
        sign_in(client, f"guess{n}@example.org", "wrong-password-here", ip="10.0.3.1")
    refused = sign_in(client, user.email, TEST_PASSWORD, ip="10.0.3.1")
    assert refused.status_code == 429
    assert "because of too many failed attempts" in refused.content.decode()
    assert sign_in(client, user.email, TEST_PASSWORD, ip="10.0.3.2").status_code == 302


def password_then_code(client, user, code, ip="10.0.0.1"):
    sign_in(client, user.email, TEST_PASSWORD, ip=ip)
    return client.post(reverse("accounts:two_factor"), {"code": code}, REMOTE_ADDR=ip)


def test_wrong_security_codes_count_towards_the_lock(client, tutor):
    confirmed_device_for(tutor)
    assert sign_in(client, tutor.email, TEST_PASSWORD).status_code == 302
    for _ in range(4):
        response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
        assert response.status_code == 400
    fifth = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert fifth.status_code == 429
    assert locked_out_message(timedelta(minutes=15)) in fifth.content.decode()
    assert "_auth_user_id" not in client.session  # signed out, password and all
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_label=tutor.email).exists()
    assert AuditEvent.objects.filter(action="auth.two_factor", outcome=Outcome.FAILURE).count() == 5
    assert not AuditEvent.objects.filter(
        action="auth.sign_in", outcome=Outcome.FAILURE, actor_label=tutor.email
    ).exists()  # a wrong code is audited as a wrong code, not as a wrong password
    # Locked everywhere: the right password from another address is refused too.
    assert sign_in(client, tutor.email, TEST_PASSWORD, ip="10.0.0.7").status_code == 429


def test_a_session_with_only_the_password_cannot_guess_codes_once_locked(tutor):
    from tests.clients import StaffClient

    confirmed_device_for(tutor)
    half = StaffClient()
    assert sign_in(half, tutor.email, TEST_PASSWORD).status_code == 302
    attacker = StaffClient()
    for _ in range(5):
        sign_in(attacker, tutor.email, "wrong-password-here", ip="10.0.4.1")
    refused = half.post(reverse("accounts:two_factor"), {"code": totp_code_for(tutor)})
    assert refused.status_code == 429
    assert "_auth_user_id" not in half.session


def test_the_wait_shrinks_as_time_passes(client, tutor):
    with freeze_time() as clock:
        for _ in range(5):
            sign_in(client, tutor.email, "wrong-password-here")
        clock.tick(timedelta(minutes=10))
        html = sign_in(client, tutor.email, TEST_PASSWORD).content.decode()
        assert locked_out_message(timedelta(minutes=5)) in html
        assert "the next 5 minutes" in html


def test_signing_in_fully_clears_the_count(client, tutor):
    confirmed_device_for(tutor)
    for _ in range(4):
        sign_in(client, tutor.email, "wrong-password-here")
    assert password_then_code(client, tutor, totp_code_for(tutor)).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, tutor.email, "wrong-password-here")
    assert sign_in(client, tutor.email, TEST_PASSWORD).status_code == 302


def test_the_lock_lifts_after_15_minutes(client, tutor):
    with freeze_time() as clock:
        for _ in range(5):
            sign_in(client, tutor.email.upper(), "wrong-password-here")
        assert sign_in(client, tutor.email, TEST_PASSWORD).status_code == 429
        clock.tick(timedelta(minutes=14))
        assert sign_in(client, tutor.email, TEST_PASSWORD).status_code == 429
        clock.tick(timedelta(minutes=16))
        assert sign_in(client, tutor.email, TEST_PASSWORD).status_code == 302


def test_an_unknown_account_is_locked_the_same_way(client):
    """Lockout says nothing about existence: an unknown address is treated alike."""
    for _ in range(5):
        sign_in(client, "nobody@example.org", "wrong-password-here")
    refused = sign_in(client, "nobody@example.org", "wrong-password-here")
    assert refused.status_code == 429
    assert "because of too many failed attempts" in refused.content.decode()


def test_password_reset_page_says_the_same_whether_or_not_the_account_exists(client, tutor):
    known = client.post(reverse("accounts:password_reset"), {"email": tutor.email}, follow=True)
    unknown = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
    )
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
