"""Password rules as the NCSC advises: at least 12 characters, and none of the
service's or organisation's names, the person's own names or email parts, or a
common password. Checked wherever a password is set (change, reset, admin)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, STAFF
from accounts.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def refusal(password: str, user=None) -> str:
    with pytest.raises(ValidationError) as raised:
        validate_password(password, user=user)
    return " ".join(raised.value.messages)


@pytest.mark.parametrize(
    "password",
    [
        "Code4000Code4000",
        "learnerjourney2026",
        "Learner-Journey-rocks",
        "my code 4000 password",
        "C0de4000-is-great!",
        "L3arnerJ0urney!!",
    ],
)
def test_the_service_and_organisation_names_are_refused(password):
    assert "name of the service or of Code4000" in refusal(password)


def test_the_persons_own_email_and_names_are_refused(make_user):
    user = make_user(email="priya.shah@prison-service.example", full_name="Priya Shahzadi")
    assert "your name or email address" in refusal("priya.shah@prison-service.example", user)
    assert "your name or email address" in refusal("shahzadi-summer-holiday", user)
    assert "your name or email address" in refusal("prison-service-rules!", user)
    assert "your name or email address" in refusal("Priya2026Priya2026", user)


def test_a_person_being_created_is_checked_against_their_unsaved_names():
    user = User(email="tom.baker@example.org", full_name="Tom Baker")
    assert "your name or email address" in refusal("bakerbakerbaker", user)


@pytest.mark.parametrize(
    "password",
    ["passwordpassword", "123456789012", "qwertyuiopasdf", "Password2026!!", "abcabcabcabc"],
)
def test_common_and_numeric_passwords_are_refused(password):
    refusal(password)


def test_short_passwords_are_refused():
    assert "at least 12 characters" in refusal("plum-orbit")


def test_a_long_unrelated_passphrase_is_accepted(make_user):
    user = make_user(email="priya.shah@prison-service.example", full_name="Priya Shah")
    validate_password("plum orbit harbour lantern", user=user)
    validate_password(TEST_PASSWORD, user=user)


def test_the_demo_password_meets_the_rules_for_every_demo_user():
    for email, name, _role, _codes in STAFF:
        validate_password(DEMO_PASSWORD, user=User(email=email, full_name=name))


def test_the_password_change_page_says_why_a_password_is_refused(client, tutor):
    client.force_login(tutor)
    new = "Code4000Code4000"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert "name of the service or of Code4000" in response.content.decode()
    tutor.refresh_from_db()
    assert tutor.check_password(TEST_PASSWORD)
