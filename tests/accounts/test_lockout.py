"""Lockout: five failed attempts for one account from one address lock that pair
out for 15 minutes, even with the right password; the message is plain and the
events are audited. Nothing tells whether an account exists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts.forms import LOCKED_OUT_MESSAGE, SIGN_IN_ERROR
from audit.models import AuditEvent, Outcome
from tests.factories import TEST_PASSWORD

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
    assert LOCKED_OUT_MESSAGE in refused.content.decode()
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(action="auth.locked_out")
    assert [(e.outcome, e.actor_label) for e in events] == [(Outcome.DENIED, tutor.email)] * 2


def test_the_lock_is_for_that_account_and_address_only(client, tutor, make_user):
    other = make_user()
    for _ in range(5):
        sign_in(client, tutor.email, "wrong-password-here")
    assert sign_in(client, tutor.email, TEST_PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert sign_in(client, other.email, TEST_PASSWORD).status_code == 302


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
    assert LOCKED_OUT_MESSAGE in refused.content.decode()


def test_password_reset_page_says_the_same_whether_or_not_the_account_exists(client, tutor):
    known = client.post(reverse("accounts:password_reset"), {"email": tutor.email}, follow=True)
    unknown = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
    )
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
