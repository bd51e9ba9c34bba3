import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_home_names_the_role_and_prisons(client, make_user, prison, role):
    user = make_user(role, [prison])
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert f"Your role: {role.label}." in page
    if role in (Role.DIRECTOR, Role.ADMINISTRATOR):
        assert "Your role covers every prison" in page
    assert "HMP Humber (HMI)" in page
    assert escape(user.full_name) in page  # names like O'Brien are HTML-escaped


def test_home_says_what_to_do_without_prisons(client, make_user):
    client.force_login(make_user(Role.TUTOR, []))
    page = client.get(reverse("home")).content.decode()
    assert "Ask an administrator to add you" in page


def test_only_administrators_reach_the_admin_site(client, make_user, administrator):
    client.force_login(make_user(Role.DIRECTOR))
    assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
