"""The timeout warning's server side: the dialog on signed-in pages and the
keep-alive endpoint behind "Stay signed in" (issue 17, item 10). The dialog
itself is driven in tests/browser/test_timeout_warning.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from tests.clients import StaffClient

pytestmark = pytest.mark.django_db


def test_signed_in_pages_carry_the_warning_timed_before_the_idle_limit(client, tutor, settings):
    client.force_login(tutor)
    html = client.get(reverse("home")).content.decode()
    assert "data-lj-timeout-warning" in html
    # Counted from the page's load, allowing for a renewal up to a minute before it.
    idle = settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS
    assert f'data-idle-seconds="{idle}"' in html
    assert 'data-warning-seconds="120"' in html
    assert "Stay signed in" in html


def test_the_sign_in_page_has_no_warning(client):
    assert "data-lj-timeout-warning" not in client.get(reverse("accounts:sign_in")).content.decode()


def test_stay_signed_in_renews_the_session_even_within_a_minute_of_the_last_renewal(tutor):
    with freeze_time() as clock:
        client = StaffClient()
        client.force_login(tutor)
        assert client.get(reverse("home")).status_code == 200  # renewed here
        clock.tick(timedelta(minutes=29, seconds=30))
        assert client.get(reverse("home")).status_code == 200  # renewed again
        clock.tick(timedelta(seconds=30))
        # Within a minute of the last renewal a page renews nothing; the button does.
        assert client.post(reverse("accounts:keep_alive")).status_code == 204
        clock.tick(timedelta(minutes=29, seconds=50))
        assert client.get(reverse("home")).status_code == 200


def test_keep_alive_after_the_session_ended_sends_to_sign_in(tutor):
    with freeze_time() as clock:
        client = StaffClient()
        client.force_login(tutor)
        client.get(reverse("home"))
        clock.tick(timedelta(minutes=31))
        response = client.post(reverse("accounts:keep_alive"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
