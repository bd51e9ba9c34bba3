from django import template

from accounts.access import Capability, access_for
from learners.tabs import tabs_for

register = template.Library()


@register.inclusion_tag("learners/includes/learner_header.html", takes_context=True)
def learner_header(context, learner, active: str = "overview"):
    """The summary card and tabs at the top of every page about one learner."""
    request = context["request"]
    access = access_for(request.user)
    return {
        "learner": learner,
        # OMU staff see identity only: name, number, prison, release date, course status.
        "full_record": access.can(Capability.VIEW_LEARNER_RECORD),
        "tabs": tabs_for(request.user, learner.pk, active),
        "request": request,
    }
