"""Reads. A user sees only their own notifications, and only about learners
their role still covers (a learner transferred away, or whose sharing consent
was withdrawn, drops out of the list): the same gate as at send time."""

from django.db.models import Q, QuerySet
from django.http import Http404

from notifications import send_gate
from notifications.models import Notification


def visible_q(user) -> Q:
    """About no learner, or about one the user may see now (the learners' gate)."""
    return send_gate.visible_q(user)


def notifications_for_user(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(visible_q(user), recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True, resolved_at__isnull=True)
    return notifications.select_related("learner").order_by("-created_at", "-pk")


def notification_for_user(user, pk: int) -> Notification:
    notification = notifications_for_user(user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def unread_count_for_user(user) -> int:
    return notifications_for_user(user, unread_only=True).count()
