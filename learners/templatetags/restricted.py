"""Restricted text (health, recovery, offending behaviour) on a page: one tag, so
the rule is written once (issue 13 item 14).

    {% load restricted %}
    {% restricted_text contact.restricted_note label="Restricted" block=True %}

The text is shown only to a signed-in user whose role sees restricted notes (the
same `Access.sees_restricted` that `visible_to` uses), and never in print: the
wrapper carries `lj-no-print`, which the print stylesheet hides, so a page
printed or saved as PDF from the browser leaves it out. A template rendered
without a request (a PDF, an email) gets nothing."""

from django import template

from accounts.access import access_for

register = template.Library()


def _sees_restricted(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and access_for(user).sees_restricted


@register.inclusion_tag("includes/restricted_text.html", takes_context=True)
def restricted_text(context, text, label: str = "", block: bool = False):
    return {"text": text if _sees_restricted(context) else "", "label": label, "block": block}


@register.filter
def restricted_row(restricted: bool) -> str:
    """The class for a restricted row (a referral, a restricted timeline entry) that
    the user may see on screen: `lj-no-print`, so printing leaves it out."""
    return "lj-no-print" if restricted else ""
