"""Planting recognisable text in a learner's records and finding it again.

Used by the erasure test (afterwards no column of any table may hold it) and by
the marker crawl (no page may show it to a user who may not see it). Both walk
the models generically (privacy.records), so a model added later gets markers
without a change here."""

from django.db import connection, models

from learners.models import Learner
from privacy.records import records_held_on, text_fields


def _marker(tag: str, n: int, limit: int | None) -> str | None:
    value = f"{tag}{n:03d}"
    if limit is not None and len(value) > limit:
        return None
    return value


def plant_markers(learner: Learner, tag: str, *, prison_number: str) -> list[str]:
    """Put a distinct marker (`tag` + a number) in every free-text field of the
    learner and of every row held on them; returns the markers planted. `tag` is
    letters only, so markers survive HTML escaping and are found case-blind."""
    planted: list[str] = []
    counter = 0

    def next_marker(limit: int | None) -> str | None:
        nonlocal counter
        counter += 1
        value = _marker(tag, counter, limit)
        if value is not None:
            planted.append(value)
        return value

    names = {
        "first_name": next_marker(100),
        "last_name": next_marker(100),
        "preferred_name": next_marker(100),
    }
    Learner.objects.filter(pk=learner.pk).update(prison_number=prison_number, **names)
    planted.append(prison_number)
    for row in records_held_on(learner).rows:
        changes = {}
        for model_field in text_fields(type(row)):
            if isinstance(model_field, models.FileField):
                continue
            if isinstance(model_field, models.JSONField):
                value = next_marker(None)
                changes[model_field.attname] = {"planted": value}
            elif not model_field.unique:
                value = next_marker(model_field.max_length)
                if value is not None:
                    changes[model_field.attname] = value
        if changes:
            type(row)._base_manager.filter(pk=row.pk).update(**changes)
    learner.refresh_from_db()
    return planted


def tables_holding(values: list[str]) -> dict[str, list[str]]:
    """Every (table, column) of the whole database whose text holds any of `values`
    (case-blind), on PostgreSQL. Returns {table.column: [values found]}."""
    found: dict[str, list[str]] = {}
    text_types = ("character varying", "text", "jsonb", "json", "character")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
            [list(text_types)],
        )
        columns = cursor.fetchall()
        for table, column in columns:
            for value in values:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608
                    [f"%{value}%"],
                )
                if cursor.fetchone():
                    found.setdefault(f"{table}.{column}", []).append(value)
    return found
