from notifications.selectors import unread_count_for_user


def unread_notifications(request) -> dict[str, object]:
    """The unread count in the header: one indexed COUNT per page for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count_for_user(user)}
