from accounts.access import access_for
from accounts.models import Role
from accounts.navigation import navigation_for


def navigation(request) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    access = access_for(user)
    return {
        "navigation": navigation_for(user, request.path),
        "access": access,
        "user_role_label": Role(user.role).label if user.role in Role.values else "",
    }
