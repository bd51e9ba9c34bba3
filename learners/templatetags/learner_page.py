from django import template

from learners.tabs import tabs_for

register = template.Library()


@register.inclusion_tag("learners/includes/learner_header.html", takes_context=True)
def learner_header(context, learner, active: str = "overview"):
    """The summary card and tabs at the top of every page about one learner."""
    request = context["request"]
    return {
        "learner": learner,
        "tabs": tabs_for(request.user, learner.pk, active),
        "request": request,
    }
