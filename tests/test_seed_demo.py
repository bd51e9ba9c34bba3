import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Prison, Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_every_role_and_prints_the_logins(capsys):
    call_command("seed_demo", learners=0)
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Prison.objects.values("region").distinct().count() == 2
    for user in User.objects.all():
        assert user.email in out
        assert user.check_password(DEMO_PASSWORD)


def test_seed_demo_twice_adds_nothing(capsys):
    call_command("seed_demo", learners=0)
    users = User.objects.count()
    call_command("seed_demo", learners=0)
    assert "already exists" in capsys.readouterr().out
    assert User.objects.count() == users


def test_demo_users_can_complete_two_factor_with_the_printed_command(capsys, client):
    from django.urls import reverse

    from audit.models import AuditEvent

    call_command("seed_demo", learners=0)
    out = capsys.readouterr().out
    assert "manage.py demo_code" in out
    user = User.objects.get(role=Role.TUTOR, email__startswith="tutor.humber")
    response = client.post(
        reverse("accounts:sign_in"), {"username": user.email, "password": DEMO_PASSWORD}
    )
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    done = client.post(reverse("accounts:two_factor"), {"code": code})
    assert done["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor", actor=user).exists()
