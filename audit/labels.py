"""Plain words for the audit trail: what an action code and a record type are
called on screen. One lookup each, falling back to the raw value, so a code
without a display name still shows (and the journey events' display names,
when they land, go into ACTION_LABELS or replace `action_label` here, once)."""

from django.apps import apps

# Action code -> display name. Codes not listed show as they are.
ACTION_LABELS: dict[str, str] = {}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def record_label(object_type: str) -> str:
    """ "learners.learner" -> "Learner"; an unknown type shows as it is."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]
