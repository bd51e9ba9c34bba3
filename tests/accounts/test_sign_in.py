import pytest
from django.core import mail
from django.urls import reverse

from accounts.forms import SIGN_IN_ERROR
from audit.models import AuditEvent, Outcome
from tests.factories import TEST_PASSWORD
from tests.otp import totp_code_for

pytestmark = pytest.mark.django_db


def sign_in(client, email, password):
    return client.post(reverse("accounts:sign_in"), {"username": email, "password": password})


def test_sign_in_takes_a_user_home_and_shows_role_and_prisons(client, regional_manager):
    code = totp_code_for(regional_manager)
    response = sign_in(client, regional_manager.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor") + "?next=%2F"
    response = client.post(response["Location"], {"code": code, "next": "/"})
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Your role: Regional manager." in home.content.decode()
    assert "HMP Humber (HMI)" in home.content.decode()


def test_email_is_case_insensitive(client, tutor):
    response = sign_in(client, tutor.email.upper(), TEST_PASSWORD)
    assert response.status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_message(client, tutor):
    unknown = sign_in(client, "nobody@example.org", TEST_PASSWORD)
    wrong = sign_in(client, tutor.email, "not-the-password")
    assert unknown.status_code == wrong.status_code == 200
    assert SIGN_IN_ERROR in unknown.content.decode()
    assert SIGN_IN_ERROR in wrong.content.decode()
    assert unknown.context["form"].errors == wrong.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_inactive_user_gets_the_same_message(client, make_user):
    user = make_user(is_active=False)
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert SIGN_IN_ERROR in response.content.decode()


def test_empty_form_names_each_missing_field_in_the_error_summary(client):
    response = client.post(reverse("accounts:sign_in"), {})
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_username">Enter your email address' in page
    assert 'href="#id_password">Enter your password' in page
    assert "<title>Error: Sign in" in page


def test_sign_in_success_and_failure_are_audited(client, tutor):
    sign_in(client, tutor.email, "wrong-password-here")
    sign_in(client, tutor.email, TEST_PASSWORD)
    failure, success = AuditEvent.objects.filter(action="auth.sign_in").order_by("pk")
    assert (failure.action, failure.outcome, failure.actor) == (
        "auth.sign_in",
        Outcome.FAILURE,
        None,
    )
    assert failure.actor_label == tutor.email
    assert (success.action, success.outcome, success.actor) == (
        "auth.sign_in",
        Outcome.SUCCESS,
        tutor,
    )
    assert success.request_id and success.request_id != failure.request_id


def test_sign_out_needs_a_post_and_ends_the_session(client, tutor):
    client.force_login(tutor)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=tutor).count() == 1


def test_signed_in_pages_are_never_cached(client, tutor):
    client.force_login(tutor)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_password_reset_sends_one_link_and_says_the_same_for_unknown_addresses(
    client, tutor, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as known_work:
        known = client.post(reverse("accounts:password_reset"), {"email": tutor.email})
    with django_capture_on_commit_callbacks(execute=True) as unknown_work:
        unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_sent")
    # The email is made and sent after the request, so the request itself does the
    # same work for a known and an unknown address (no enumeration by timing).
    assert len(unknown_work) == len(known_work) >= 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tutor.email]
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_password_reset_link_sets_a_new_password(
    client, tutor, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": tutor.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "password-reset/" in line)
    path = link.split("localhost:8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = "a-long-and-new-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    tutor.refresh_from_db()
    assert tutor.check_password(new)
    event = AuditEvent.objects.get(action="auth.password_reset")
    assert (event.object_id, event.actor_label) == (str(tutor.pk), tutor.email)


def test_password_change_refuses_short_passwords(client, tutor):
    client.force_login(tutor)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    tutor.refresh_from_db()
    assert tutor.check_password(TEST_PASSWORD)


def test_a_password_change_is_audited(client, tutor):
    client.force_login(tutor)
    new = "another-long-passphrase-here"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.password_change")
    assert event.actor == tutor
