"""The audit trail is append-only in PostgreSQL itself (audit.database_roles): as
the application's role, DELETE, UPDATE, TRUNCATE and ALTER on it fail, the old
`SET learner_journey.audit_retention` switch opens nothing, and the retention
function refuses events younger than the policy. The suite connects as the
superuser and becomes the application role with SET LOCAL ROLE."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.database_roles import APP_ROLE, AUDIT_TABLE, RETENTION_ROLE
from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db
OLD = timezone.now() - dt.timedelta(days=365 * 9)


def _as_app_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")


def _refused(statement: str, params=()) -> str:
    """Run `statement` as the application role in a savepoint; the error it raised."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        _as_app_role()
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
    return str(refused.value)


def _insert_old_event() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_label, action, object_type, "
            "object_id, outcome, request_id, detail) "
            "VALUES (%s, '', 'old.event', '', '', 'success', '', '{}') RETURNING id",
            [OLD],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def events(tutor):
    old = _insert_old_event()
    young = audit_record(actor=tutor, action="learner.view").pk
    return old, young


@pytest.mark.parametrize(
    ("statement", "error"),
    [
        ("DELETE FROM audit_auditevent", "permission denied"),
        ("UPDATE audit_auditevent SET action = 'rewritten'", "permission denied"),
        ("TRUNCATE audit_auditevent", "permission denied"),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER audit_event_append_only ON audit_auditevent", "must be owner"),
        ("DROP TABLE audit_auditevent", "must be owner"),
    ],
)
def test_the_application_role_cannot_rewrite_history(events, statement, error):
    assert error in _refused(statement)
    assert AuditEvent.objects.filter(pk__in=events).count() == 2


def test_the_old_session_switch_opens_nothing(events):
    error = _refused(
        "SET LOCAL learner_journey.audit_retention = 'on'; "
        "DELETE FROM audit_auditevent WHERE occurred_at < now()"
    )
    assert "permission denied" in error
    # Not even the owner gets past the trigger with it.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL learner_journey.audit_retention = 'on'")
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk__in=events).count() == 2


def test_the_retention_function_refuses_events_younger_than_the_policy(events):
    years = settings.RETENTION_POLICY["audit_years"]
    just_inside = timezone.now() - dt.timedelta(days=round(365.25 * years) - 1)
    for cutoff in (timezone.now(), just_inside, None):
        error = _refused("SELECT audit_remove_expired(%s)", [cutoff])
        assert "kept by the retention policy" in error
    assert AuditEvent.objects.filter(pk__in=events).count() == 2


def test_the_retention_function_removes_only_old_events_for_the_application(events):
    old, young = events
    others = set(AuditEvent.objects.exclude(pk__in=[old, young]).values_list("pk", flat=True))
    cutoff = timezone.now() - dt.timedelta(days=round(365.25 * 8))
    with transaction.atomic():
        _as_app_role()
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_remove_expired(%s)", [cutoff])
            assert cursor.fetchone()[0] == 1
    # Only the old event went; the young one and today's (the fixtures' own) stay.
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {young} | others


def test_the_application_runs_as_its_role(client, director, learner):
    """The app's own work (a page view, its audit row) needs nothing more than the role
    gives it; and nothing it holds is owned by it."""
    client.force_login(director)
    with transaction.atomic():
        _as_app_role()
        response = client.get(reverse("learners:detail", args=[learner.pk]))
        assert response.status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == APP_ROLE
    assert AuditEvent.objects.filter(action="learner.view", learner_ref=learner.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = %s",
            [APP_ROLE],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = %s ORDER BY 1",
            [APP_ROLE, AUDIT_TABLE],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]
        cursor.execute(
            "SELECT pg_get_userbyid(proowner), prosecdef FROM pg_proc "
            "WHERE proname = 'audit_remove_expired'"
        )
        assert cursor.fetchone() == (RETENTION_ROLE, True)
        # The application cannot become the function's owner (SET ROLE needs membership).
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [APP_ROLE, RETENTION_ROLE])
        assert cursor.fetchone()[0] is False


def test_the_setup_command_can_run_again(capsys):
    call_command("setup_database_roles")
    assert APP_ROLE in capsys.readouterr().out
    assert "kept by the retention policy" in _refused("SELECT audit_remove_expired(now())")


def test_the_setup_command_gives_the_application_a_login_role(monkeypatch):
    monkeypatch.setenv("APP_DATABASE_PASSWORD", "not-a-real-password")
    call_command("setup_database_roles", "--app-login", "lj_test_web")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, pg_has_role('lj_test_web', %s, 'MEMBER') "
            "FROM pg_roles WHERE rolname = 'lj_test_web'",
            [APP_ROLE],
        )
        assert cursor.fetchone() == (True, False, True)
    # Run again (every deployment does): the role is updated, not refused.
    call_command("setup_database_roles", "--app-login", "lj_test_web")


def test_the_login_role_needs_a_password(monkeypatch):
    monkeypatch.delenv("APP_DATABASE_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="APP_DATABASE_PASSWORD"):
        call_command("setup_database_roles", "--app-login", "lj_test_web_nopass")
