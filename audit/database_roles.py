"""The audit trail is append-only in PostgreSQL itself, not only in the app.

Three roles:

- the *owner* (whoever runs `manage.py migrate`): owns every table;
- `learner_journey_app`, the role the application connects as (or a login role
  that is a member of it): SELECT, INSERT, UPDATE and DELETE on every table but the
  audit trail, where it may only SELECT and INSERT. It owns nothing, so it cannot
  ALTER, TRUNCATE or drop the trigger;
- `learner_journey_audit_retention` (no login): owns one SECURITY DEFINER function,
  `audit_remove_expired(cutoff)`, which deletes audit events older than `cutoff` and
  refuses any cutoff younger than the retention policy. The append-only trigger lets
  a DELETE through only when it runs as this role, that is, inside that function.

Applied by migration audit 0004 when the migrating role may create roles, and by
`manage.py setup_database_roles` (idempotent; run it again after changing
RETENTION_AUDIT_YEARS). SQLite, the embedded default, keeps its triggers only."""

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

APP_ROLE = "learner_journey_app"
RETENTION_ROLE = "learner_journey_audit_retention"
AUDIT_TABLE = "audit_auditevent"
RETENTION_FUNCTION = "audit_remove_expired(timestamptz)"


class RolesNotPermitted(RuntimeError):
    """The connected role may not create roles: ask a superuser to run the setup."""


def _create_role(name: str) -> str:
    # Roles belong to the whole cluster, and several databases may be set up at once.
    return f"""
DO $$ BEGIN
    CREATE ROLE {name} NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
"""


def setup_statements(*, schema: str, audit_years: float, superuser: bool) -> list[str]:
    days = round(365.25 * audit_years)
    statements = [_create_role(APP_ROLE), _create_role(RETENTION_ROLE)]
    if not superuser:
        # A CREATEROLE owner must belong to the role to hand it the function.
        statements.append(f"GRANT {RETENTION_ROLE} TO current_user")
    statements += [
        f"GRANT USAGE ON SCHEMA {schema} TO {APP_ROLE}, {RETENTION_ROLE}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {APP_ROLE}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {APP_ROLE}",
        # Tables later migrations create (as the same owner) get the same grants.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}",
        # The audit trail: read and append only.
        f"REVOKE ALL ON {schema}.{AUDIT_TABLE} FROM PUBLIC, {APP_ROLE}, {RETENTION_ROLE}",
        f"GRANT SELECT, INSERT ON {schema}.{AUDIT_TABLE} TO {APP_ROLE}",
        f"GRANT SELECT, DELETE ON {schema}.{AUDIT_TABLE} TO {RETENTION_ROLE}",
        # The trigger refuses every UPDATE, and every DELETE not made by the retention
        # function. A session setting cannot change current_user.
        f"""
CREATE OR REPLACE FUNCTION {schema}.audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = '{RETENTION_ROLE}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql
""",
        f"""
CREATE OR REPLACE FUNCTION {schema}.audit_remove_expired(cutoff timestamptz)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {schema}, pg_temp AS $$
DECLARE
    youngest_allowed timestamptz := clock_timestamp() - interval '{days} days';
    removed bigint;
BEGIN
    IF cutoff IS NULL OR cutoff > youngest_allowed THEN
        RAISE EXCEPTION 'audit events younger than % days are kept by the retention policy',
            {days} USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM {schema}.{AUDIT_TABLE} WHERE occurred_at < cutoff;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$$
""",  # noqa: S608  # nosec B608 - the schema is quoted by quote_name() and days is an integer
        # A new owner needs CREATE on the schema at that moment (unless we are a
        # superuser); it keeps no more than the function.
        f"GRANT CREATE ON SCHEMA {schema} TO {RETENTION_ROLE}",
        f"ALTER FUNCTION {schema}.{RETENTION_FUNCTION} OWNER TO {RETENTION_ROLE}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {RETENTION_ROLE}",
        f"REVOKE ALL ON FUNCTION {schema}.{RETENTION_FUNCTION} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {schema}.{RETENTION_FUNCTION} TO {APP_ROLE}",
    ]
    return statements


def database_roles_setup(connection: BaseDatabaseWrapper) -> list[str]:
    """Create or refresh the roles, grants and retention function on PostgreSQL;
    returns the statements run. RolesNotPermitted when the role may not do it."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, current_schema() FROM pg_roles "
            "WHERE rolname = current_user"
        )
        superuser, createrole, schema = cursor.fetchone()
        if not (superuser or createrole):
            raise RolesNotPermitted(
                "The database role may not create roles: run `manage.py "
                "setup_database_roles` as a superuser or a role with CREATEROLE."
            )
        statements = setup_statements(
            schema=connection.ops.quote_name(schema),
            audit_years=settings.RETENTION_POLICY["audit_years"],
            superuser=superuser,
        )
        for statement in statements:
            cursor.execute(statement)
    return statements


def retention_function_installed(connection: BaseDatabaseWrapper) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [RETENTION_FUNCTION])
        return cursor.fetchone()[0]


def app_login_setup(connection: BaseDatabaseWrapper, *, name: str, password: str) -> None:
    """Create (or update) a login role that is a member of the application role, so
    web, worker and beat connect with the application's rights only."""
    if not password:
        raise RolesNotPermitted("Set APP_DATABASE_PASSWORD for the application's login role.")
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        # psycopg2 quotes the password as a literal on the client.
        cursor.execute(f"{verb} ROLE {quoted} LOGIN PASSWORD %s", [password])
        cursor.execute(f"GRANT {APP_ROLE} TO {quoted}")
