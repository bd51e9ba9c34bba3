"""Staff pages: invite, change role and prisons, deactivate and reactivate, reset
the security code; every change audited; the last administrator stays."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from audit.models import AuditEvent
from configuration import services
from configuration.durations import duration_words
from tests.otp import confirmed_device_for

pytestmark = pytest.mark.django_db


def _invite(client, prison, **overrides):
    data = {
        "full_name": "Nina New",
        "email": "Nina.New@Code4000.example",
        "role": "tutor",
        "prisons": [prison.pk],
        **overrides,
    }
    return client.post(reverse("configuration:staff_invite"), data)


def test_an_invited_tutor_gets_a_link_that_sets_their_password_once(
    settings, client, administrator, prison, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, prison)
    assert response.status_code == 302
    person = User.objects.get(email="nina.new@code4000.example")
    assert (person.role, list(person.prisons.all())) == (Role.TUTOR, [prison])
    assert not person.has_usable_password()
    event = AuditEvent.objects.get(action="configuration.staff.invite")
    assert (event.actor, event.object_id) == (administrator, str(person.pk))
    assert event.detail == {"role": "tutor", "prisons": [prison.pk]}

    assert [message.to for message in mail.outbox] == [["nina.new@code4000.example"]]
    body = mail.outbox[0].body
    assert f"works once, for {duration_words(settings.PASSWORD_RESET_TIMEOUT)}" in body
    link = next(line for line in body.splitlines() if "password-reset/" in line)
    path = "/" + link.split("/", 3)[3]
    newcomer = client_class_for_newcomer()
    form_page = newcomer.get(path, follow=True)
    assert form_page.status_code == 200
    new = "a-long-and-new-passphrase"
    done = newcomer.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(new)
    # The link works once.
    again = client_class_for_newcomer().get(path, follow=True)
    assert "new_password1" not in again.content.decode()


def client_class_for_newcomer():
    from tests.clients import StaffClient

    return StaffClient()


def test_the_invitation_link_expires(settings, administrator, prison):
    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    person = services.staff_invite(
        actor=administrator,
        email="late@code4000.example",
        full_name="Lee Late",
        role="tutor",
        prisons=[prison],
    )
    generator = PasswordResetTokenGenerator()
    token = generator.make_token(person)
    # Django's token clock is naive local time.
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)  # noqa: DTZ005
    generator._now = lambda: later
    assert not generator.check_token(person, token)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"full_name": "  "}, "Enter the person&#x27;s full name"),
        ({"prisons": []}, "Choose at least one prison for a tutor"),
        ({"role": ""}, "Select the person&#x27;s role"),
    ],
)
def test_bad_invitations_are_refused_with_a_clear_message(
    client, administrator, prison, overrides, message
):
    client.force_login(administrator)
    response = _invite(client, prison, **overrides)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert "<title>Error: " in page
    assert not User.objects.filter(full_name="Nina New").exists()
    assert not AuditEvent.objects.filter(action="configuration.staff.invite").exists()


def test_an_address_already_in_use_is_refused(client, administrator, prison, tutor):
    client.force_login(administrator)
    response = _invite(client, prison, email=tutor.email.upper())
    assert "There is already an account with this email address" in response.content.decode()
    assert User.objects.filter(email__iexact=tutor.email).count() == 1


def test_only_administrators_open_the_staff_pages(client, director, regional_manager, tutor):
    for user in (director, regional_manager):
        client.force_login(user)
        assert client.get(reverse("configuration:staff_list")).status_code == 403
        assert (
            client.post(reverse("configuration:staff_deactivate", args=[tutor.pk])).status_code
            == 403
        )
    tutor.refresh_from_db()
    assert tutor.is_active


def test_the_list_searches_and_filters(client, administrator, make_user, prison, other_prison):
    make_user(Role.TUTOR, [prison], full_name="Tara Humber", email="tara@code4000.example")
    make_user(Role.TUTOR, [other_prison], full_name="Tim Risley", email="tim@code4000.example")
    make_user(Role.OMU, [prison], full_name="Otto Humber", is_active=False)
    client.force_login(administrator)
    url = reverse("configuration:staff_list")

    def names(query):
        page = client.get(url + query).context["page"]
        return [person.full_name for person in page.object_list]

    assert names("?q=tara") == ["Tara Humber"]
    assert names("?q=TIM%40code4000") == ["Tim Risley"]
    assert names(f"?role=tutor&prison={prison.pk}") == ["Tara Humber"]
    assert names("?status=deactivated") == ["Otto Humber"]
    assert names("?role=nonsense") == names("")


def test_the_list_pages_with_filters_kept(client, administrator, make_user, prison):
    for n in range(30):
        make_user(Role.TUTOR, [prison], full_name=f"Tutor {n:02d}")
    client.force_login(administrator)
    response = client.get(reverse("configuration:staff_list") + "?role=tutor")
    page = response.content.decode()
    assert "Page 1 of 2" in page
    assert "?role=tutor&amp;page=2" in page


def test_the_list_runs_a_fixed_number_of_queries(
    client, administrator, make_user, prison, django_assert_max_num_queries
):
    client.force_login(administrator)
    url = reverse("configuration:staff_list")
    make_user(Role.TUTOR, [prison])
    with django_assert_max_num_queries(14):
        client.get(url)
    for _ in range(20):
        make_user(Role.TUTOR, [prison])
    with django_assert_max_num_queries(14):
        client.get(url)


def test_changing_role_and_prisons_is_audited_and_takes_effect(
    client, administrator, tutor, prison, other_prison
):
    client.force_login(administrator)
    response = client.post(
        reverse("configuration:staff_edit", args=[tutor.pk]),
        {"full_name": "Tom Tutor", "role": "regional_manager", "prisons": [other_prison.pk]},
    )
    assert response.status_code == 302
    tutor.refresh_from_db()
    assert tutor.role == Role.REGIONAL_MANAGER
    assert list(tutor.prisons.all()) == [other_prison]
    event = AuditEvent.objects.get(action="configuration.staff.update")
    assert event.detail["before"] == {"role": "tutor", "prisons": [prison.pk]}
    assert event.detail["after"] == {"role": "regional_manager", "prisons": [other_prison.pk]}


def test_deactivating_ends_their_sessions_at_once(client, administrator, tutor):
    from tests.clients import StaffClient

    tutor_client = StaffClient()
    tutor_client.force_login(tutor)
    assert tutor_client.get(reverse("home")).status_code == 200
    client.force_login(administrator)
    response = client.post(reverse("configuration:staff_deactivate", args=[tutor.pk]))
    assert response.status_code == 302
    tutor.refresh_from_db()
    assert not tutor.is_active
    assert tutor_client.session.session_key not in set(
        Session.objects.values_list("session_key", flat=True)
    )
    after = tutor_client.get(reverse("home"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("accounts:sign_in"))
    event = AuditEvent.objects.get(action="configuration.staff.deactivate")
    assert event.detail == {"sessions_ended": 1}
    # The administrator's own session is untouched.
    assert client.get(reverse("configuration:staff_list")).status_code == 200


def test_reactivating_lets_them_sign_in_again(client, administrator, make_user, prison):
    former = make_user(Role.TUTOR, [prison], is_active=False)
    client.force_login(administrator)
    client.post(reverse("configuration:staff_reactivate", args=[former.pk]))
    former.refresh_from_db()
    assert former.is_active
    assert AuditEvent.objects.filter(
        action="configuration.staff.reactivate", object_id=str(former.pk)
    ).exists()


def test_the_last_active_administrator_cannot_be_deactivated_or_demoted(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("configuration:staff_deactivate", args=[administrator.pk]))
    assert response.status_code == 400
    assert "there must always be at least one active administrator" in response.content.decode()
    response = client.post(
        reverse("configuration:staff_edit", args=[administrator.pk]),
        {"full_name": "Alex Admin", "role": "director"},
    )
    assert response.status_code == 200
    assert "there must always be at least one active administrator" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active
    assert administrator.role == Role.ADMINISTRATOR
    assert not AuditEvent.objects.filter(action__startswith="configuration.staff").exists()


def test_an_administrator_can_be_deactivated_while_another_remains(
    client, administrator, make_user
):
    other = make_user(Role.ADMINISTRATOR, full_name="Ali Other")
    client.force_login(administrator)
    client.post(reverse("configuration:staff_deactivate", args=[other.pk]))
    other.refresh_from_db()
    assert not other.is_active


def test_resetting_the_security_code_makes_them_set_up_a_new_app(client, administrator, tutor):
    from tests.clients import StaffClient

    confirmed_device_for(tutor)
    client.force_login(administrator)
    response = client.post(reverse("configuration:staff_two_factor_reset", args=[tutor.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=tutor).exists()
    assert AuditEvent.objects.filter(
        action="auth.two_factor_reset", object_id=str(tutor.pk), actor=administrator
    ).exists()
    tutor_client = StaffClient()
    tutor_client.force_login(tutor, verified=False)
    response = tutor_client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_staff_pages_link_nowhere_into_the_admin_site(client, administrator, tutor):
    client.force_login(administrator)
    for url in (
        reverse("home"),
        reverse("configuration:index"),
        reverse("configuration:staff_list"),
        reverse("configuration:staff_detail", args=[tutor.pk]),
        reverse("configuration:prison_list"),
        reverse("configuration:curriculum"),
        reverse("configuration:settings"),
    ):
        assert 'href="/admin' not in client.get(url).content.decode(), url


def test_durations_read_as_words():
    assert duration_words(3 * 86400) == "3 days"
    assert duration_words(3600) == "1 hour"
    assert duration_words(5400) == "90 minutes"
