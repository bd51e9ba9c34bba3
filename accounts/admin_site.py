from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect

from accounts.models import Role


class LearnerJourneyAdminSite(admin.AdminSite):
    """The admin is for administrators only, and has no sign-in page of its own:
    everybody signs in through the service's sign-in page."""

    site_header = "Learner Journey configuration"
    site_title = "Learner Journey"
    index_title = "Users, prisons and settings"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.role == Role.ADMINISTRATOR or user.is_superuser)
            # The admin asks for the second factor too.
            and getattr(user, "is_verified", lambda: False)()
        )

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            return HttpResponseRedirect("/")
        return redirect_to_login(request.GET.get("next", request.path))
