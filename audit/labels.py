"""Plain words for the audit trail: what an action code and a record type are
called on screen. One lookup each, falling back to the raw value, so a code
without a display name still shows. Action names come from the one vocabulary,
`audit.actions.Action`."""

from django.apps import apps

from audit.actions import action_label

__all__ = ["action_label", "record_label"]


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
