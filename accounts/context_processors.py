from django.conf import settings

from accounts.access import access_for
from accounts.models import Role
from accounts.navigation import navigation_for


def fully_signed_in(user) -> bool:
    """Password and security code both given. Until then a page shows nothing
    about the person: someone who has only the password learns no name, role
    or unread count."""
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def navigation(request) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not fully_signed_in(user):
        return {"navigation": [], "signed_in": False}
    access = access_for(user)
    return {
        "navigation": navigation_for(user, request.path),
        "access": access,
        "signed_in": True,
        "user_role_label": Role(user.role).label if user.role in Role.values else "",
        # The timeout warning counts from the page's load; the session may have been
        # renewed up to SESSION_RENEW_SECONDS before it, so it counts that much less.
        "session_idle_seconds": settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS,
        "session_warning_seconds": 120,
    }
