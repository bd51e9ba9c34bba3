"""Password reset: the request does the same work for known and unknown
addresses (both go through the outbox), is rate-limited per account and per
address, builds its link from SITE_URL, the link lasts at most an hour, and a
changed password is announced to the person by email."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from accounts.password_reset import RESET_EMAIL_TASK
from notifications.models import OutboxMessage
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-canal-seventeen-kites"


def ask(client, email, ip="10.0.0.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def shape(queries) -> list[str]:
    """The SQL a request ran, without its parameters or savepoint names."""
    return [
        re.sub(r'"s\d+_x\d+"', "savepoint", re.split(" WHERE | VALUES ", q["sql"])[0])
        for q in queries
    ]


def test_known_and_unknown_addresses_do_the_same_work_through_the_outbox(client, tutor):
    with CaptureQueriesContext(connection) as known_sql:
        known = ask(client, tutor.email)
    with CaptureQueriesContext(connection) as unknown_sql:
        unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert shape(known_sql.captured_queries) == shape(unknown_sql.captured_queries)
    sql = " ".join(q["sql"] for q in known_sql.captured_queries)
    assert '"accounts_user"' not in sql  # nobody is looked up while the person waits
    queued = OutboxMessage.objects.filter(task_name=RESET_EMAIL_TASK).order_by("pk")
    assert [row.args for row in queued] == [[tutor.email], ["nobody@example.org"]]


def link_from(message) -> str:
    return next(line for line in message.body.splitlines() if "password-reset/" in line)


def test_the_link_is_built_from_site_url_not_the_request_host(
    client, tutor, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://learner-journey.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password_reset"),
            {"email": tutor.email.upper()},
            SERVER_PORT="8443",
            HTTP_HOST="localhost:8443",
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tutor.email]
    assert link_from(mail.outbox[0]).startswith("https://learner-journey.example/accounts/")
    assert "8443" not in mail.outbox[0].body and "localhost" not in mail.outbox[0].body


def test_an_unknown_address_gets_no_email(client, celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "nobody@example.org").status_code == 302
    assert mail.outbox == []


def test_requests_are_limited_per_account_whatever_the_address(client, tutor):
    for n in range(3):
        assert ask(client, tutor.email, ip=f"10.0.1.{n}").status_code == 302
    refused = ask(client, tutor.email, ip="10.0.1.99")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "You have asked for too many reset links" in html and "60 minutes" in html
    assert 'class="govuk-error-summary"' in html
    assert OutboxMessage.objects.filter(task_name=RESET_EMAIL_TASK).count() == 3
    # An unknown address is limited just the same: nothing tells them apart.
    for _ in range(3):
        ask(client, "nobody@example.org", ip="10.0.2.1")
    assert ask(client, "nobody@example.org", ip="10.0.2.2").status_code == 429


def test_requests_are_limited_per_address_whatever_the_account(client):
    for n in range(10):
        assert ask(client, f"person{n}@example.org").status_code == 302
    refused = ask(client, "someone.else@example.org")
    assert refused.status_code == 429
    assert ask(client, "someone.else@example.org", ip="10.9.9.9").status_code == 302


def test_the_limit_lifts_after_an_hour_and_says_how_long_to_wait(client, tutor):
    with freeze_time() as clock:
        for _ in range(3):
            ask(client, tutor.email)
        clock.tick(timedelta(minutes=45))
        assert "15 minutes" in ask(client, tutor.email).content.decode()
        clock.tick(timedelta(minutes=16))
        assert ask(client, tutor.email).status_code == 302


def reset_link(client, tutor, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, tutor.email)
    return link_from(mail.outbox[-1]).split("learner-journey.example", 1)[1]


@pytest.mark.parametrize(("minutes", "works"), [(59, True), (61, False)])
def test_a_reset_link_lasts_an_hour(
    client, tutor, settings, celery_eager, django_capture_on_commit_callbacks, minutes, works
):
    settings.SITE_URL = "https://learner-journey.example"
    assert settings.PASSWORD_RESET_TIMEOUT <= 3600
    with freeze_time() as clock:
        path = reset_link(client, tutor, django_capture_on_commit_callbacks)
        assert "1 hour" in mail.outbox[-1].body
        clock.tick(timedelta(minutes=minutes))
        page = client.get(path, follow=True)
        html = page.content.decode()
        assert ("Choose a new password" in html) is works
        if works:
            client.post(
                page.redirect_chain[-1][0],
                {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            )
    tutor.refresh_from_db()
    assert tutor.check_password(NEW_PASSWORD) is works


def test_a_password_change_is_announced_by_email(
    client, tutor, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(tutor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[tutor.email]]
    assert "Your Learner Journey password was changed" in mail.outbox[0].subject
    assert NEW_PASSWORD not in mail.outbox[0].body


def test_a_password_reset_is_announced_by_email(
    client, tutor, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://learner-journey.example"
    path = reset_link(client, tutor, django_capture_on_commit_callbacks)
    page = client.get(path, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert mail.outbox[-1].subject == "Your Learner Journey password was changed"
    assert mail.outbox[-1].to == [tutor.email]
