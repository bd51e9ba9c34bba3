from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect


class LearnerJourneyAdminSite(admin.AdminSite):
    """The admin site is kept for superusers in an emergency: administrators run the
    service from its own pages (configuration/), and no page links here. It has no
    sign-in page of its own: everybody signs in through the service's sign-in page."""

    site_header = "Learner Journey configuration"
    site_title = "Learner Journey"
    index_title = "Users, prisons and settings"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user.is_superuser
            # The admin asks for the second factor too.
            and getattr(user, "is_verified", lambda: False)()
        )

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            return HttpResponseRedirect("/")
        return redirect_to_login(request.GET.get("next", request.path))
