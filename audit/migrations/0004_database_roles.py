"""The audit trail becomes append-only through PostgreSQL roles (audit.database_roles):
the application role may only SELECT and INSERT on it, and old events are removed
only by a SECURITY DEFINER function that refuses events younger than the policy.
This closes the `SET learner_journey.audit_retention` switch of migration 0003.

Guarded: on SQLite nothing changes; when the migrating role may not create roles,
the strict trigger is still installed and `manage.py setup_database_roles` must be
run once by a superuser."""

from django.db import migrations

STRICT_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = 'learner_journey_audit_retention' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""
PREVIOUS_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('learner_journey.audit_retention', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
DROP FUNCTION IF EXISTS audit_remove_expired(timestamptz);
"""


def up(apps, schema_editor) -> None:
    from audit.database_roles import RolesNotPermitted, database_roles_setup

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    schema_editor.execute(STRICT_TRIGGER)
    try:
        database_roles_setup(connection)
    except RolesNotPermitted as exc:
        print(f"\n  audit 0004: {exc}")  # noqa: T201 - a migration's note to the operator


def down(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_retention_may_delete")]
    operations = [migrations.RunPython(up, down)]
