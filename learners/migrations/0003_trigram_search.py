"""Trigram search on PostgreSQL: the pg_trgm extension and GIN indexes on the
names and prison number, for the caseload search (icontains compiles to
UPPER(col) LIKE UPPER(...)) and duplicate detection. Nothing on SQLite."""

from django.db import migrations

INDEXED = ["first_name", "last_name", "prison_number"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in INDEXED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS learner_{column}_trgm "  # noqa: S608 - fixed names
            f"ON learners_learner USING gin (UPPER({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS learner_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("learners", "0002_intake_goals_transfers_imports")]

    operations = [migrations.RunPython(forwards, backwards)]
