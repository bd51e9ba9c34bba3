"""Session lifetime, cookies and security headers."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from tests.clients import StaffClient

pytestmark = pytest.mark.django_db


def test_a_session_ends_after_30_idle_minutes(settings, tutor):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # renewed at most once a minute instead
    with freeze_time() as clock:
        client = StaffClient()
        client.force_login(tutor)
        assert client.get(reverse("home")).status_code == 200
        clock.tick(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.tick(timedelta(minutes=31))
        assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:sign_in"))


def test_a_session_kept_busy_stays_open_past_the_idle_limit(tutor):
    with freeze_time() as clock:
        client = StaffClient()
        client.force_login(tutor)
        for _ in range(2 * 60 * 2):  # a request every 30 seconds for two hours
            clock.tick(timedelta(seconds=30))
            assert client.get(reverse("home")).status_code == 200
        clock.tick(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.tick(timedelta(minutes=31))
        assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:sign_in"))


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and '"django_session"' in q["sql"]
    ]


def test_a_page_within_a_minute_of_the_last_renewal_writes_no_session(tutor):
    with freeze_time() as clock:
        client = StaffClient()
        client.force_login(tutor)
        client.get(reverse("home"))
        clock.tick(timedelta(seconds=50))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        assert session_writes(queries) == []
        clock.tick(timedelta(seconds=15))  # a minute and more since the renewal
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        assert len(session_writes(queries)) == 1


def test_the_simplest_signed_in_page_makes_a_fixed_few_queries(
    tutor, django_assert_max_num_queries
):
    """The floor of every page: the session; the user with their prisons and
    confirmed second-factor devices (one query, accounts.backends); the page's own
    row; and the header's unread count. No write."""
    client = StaffClient()
    client.force_login(tutor)
    client.get(reverse("notifications:preferences"))  # the first page renews the session
    with django_assert_max_num_queries(4) as queries:
        assert client.get(reverse("notifications:preferences")).status_code == 200
    assert not [q for q in queries if q["sql"].startswith('SELECT "otp_totp_totpdevice"')]


@pytest.mark.parametrize("change", ["unconfirmed", "deleted", "another user's"])
def test_a_session_whose_device_is_no_longer_good_is_not_verified(tutor, make_user, change):
    """The second factor is still checked on every request, from the devices the
    sign-in backend loads with the user."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.models import Role
    from tests.otp import confirmed_device_for

    client = StaffClient()
    client.force_login(tutor)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    device = confirmed_device_for(tutor)
    if change == "unconfirmed":
        type(device).objects.filter(pk=device.pk).update(confirmed=False)
    elif change == "deleted":
        device.delete()
    else:
        other = make_user(Role.TUTOR, [])
        type(device).objects.filter(pk=device.pk).update(user=other)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_session_ends_12_hours_after_sign_in_however_active(tutor):
    with freeze_time() as clock:
        client = StaffClient()
        client.force_login(tutor)
        for _ in range(11 * 4):  # active every 15 minutes for 11 hours
            clock.tick(timedelta(minutes=15))
            assert client.get(reverse("home")).status_code == 200
        for _ in range(4 * 2):
            clock.tick(timedelta(minutes=15))
            response = client.get(reverse("home"))
        assert response["Location"].startswith(reverse("accounts:sign_in"))
        assert "_auth_user_id" not in client.session


def test_sign_in_records_when_the_session_started(client, tutor):
    client.force_login(tutor)
    assert abs(client.session["signed_in_at"] - time.time()) < 5


def test_security_headers_on_a_signed_in_page(client, tutor):
    client.force_login(tutor)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert "HttpOnly" in str(response.cookies["sessionid"])
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_pages_have_no_inline_script_or_style_attributes(client, tutor):
    client.force_login(tutor)
    for name in ("home", "accounts:password_change", "accounts:backup_codes"):
        html = client.get(reverse(name)).content.decode()
        for tag in html.split("<script")[1:]:
            assert 'src="' in tag.split(">")[0], f"inline script on {name}"
        assert " style=" not in html, f"style attribute on {name}"
