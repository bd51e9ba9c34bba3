from django import template

from audit.labels import action_label as _action_label
from audit.labels import record_label as _record_label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _action_label(code)


@register.filter
def record_label(object_type: str) -> str:
    return _record_label(object_type)


@register.filter
def prison_number(event, prison_numbers: dict[int, str]) -> str:
    """The prison number of the learner an event is about; "" if none, and a
    plain note if the record is no longer held."""
    if event.learner_ref is None:
        return ""
    return prison_numbers.get(event.learner_ref) or "No longer held"
