"""Everything held about one learner, found by walking the models rather than
listing them: every model with a foreign key (or one-to-one) to the learner, and
every model pointing at those rows, recursively. A model added later is found
without a change here. The audit trail refers to a learner by `learner_ref` only.

Used by the subject access export, erasure and the retention policy."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models

from learners.models import Learner


@dataclass
class HeldRecords:
    learner: Learner
    # Rows that depend on the learner (directly or through another row), in walk order.
    rows: list[models.Model] = field(default_factory=list)
    # Rows of other models linked many-to-many (e.g. a group the learner is in).
    links: list[tuple[models.ManyToManyRel, models.Model]] = field(default_factory=list)

    def by_model(self) -> dict[str, list[models.Model]]:
        grouped: dict[str, list[models.Model]] = {}
        for row in self.rows:
            grouped.setdefault(row._meta.label, []).append(row)
        return grouped


def _dependent_rows(obj: models.Model, seen: set, held: HeldRecords) -> Iterator[models.Model]:
    for relation in obj._meta.related_objects:
        if relation.many_to_many:
            accessor = relation.get_accessor_name()
            for other in getattr(obj, accessor).all():
                held.links.append((relation, other))
            continue
        related = relation.related_model
        rows = related._base_manager.filter(**{relation.field.name: obj}).order_by("pk")
        for row in rows:
            key = (row._meta.label, row.pk)
            if key in seen:
                continue
            seen.add(key)
            yield row
            yield from _dependent_rows(row, seen, held)


def records_held_on(learner: Learner) -> HeldRecords:
    held = HeldRecords(learner=learner)
    seen = {(learner._meta.label, learner.pk)}
    held.rows = list(_dependent_rows(learner, seen, held))
    return held


def _holds_text(model_field: models.Field) -> bool:
    if isinstance(model_field, models.JSONField | models.FileField):
        return True
    return isinstance(model_field, models.CharField | models.TextField) and not model_field.choices


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """Fields that can hold free text or identifying text: every char/text field
    without fixed choices, JSON and files."""
    return [model_field for model_field in model._meta.concrete_fields if _holds_text(model_field)]
