from accounts.context_processors import fully_signed_in
from notifications.selectors import unread_count_for_user


def unread_notifications(request) -> dict[str, object]:
    """The unread count in the header: one indexed COUNT per page for signed-in users."""
    user = getattr(request, "user", None)
    if not fully_signed_in(user):  # nothing before the security code is given
        return {}
    return {"notifications_unread": unread_count_for_user(user)}
