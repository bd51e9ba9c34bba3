"""Reads. A user sees only their own notifications, and only about learners
their role still covers (a learner transferred away, or whose sharing consent
was withdrawn, drops out of the list): the same gate as at send time."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from notifications import send_gate
from notifications.models import Notification, NotificationKind

# Same due date: the more serious kind first.
_ESCALATIONS_FIRST = Case(
    When(kind=NotificationKind.REVIEW_ESCALATED, then=Value(0)),
    When(
        kind__in=[NotificationKind.REVIEW_OVERDUE, NotificationKind.INTERVENTION_OVERDUE],
        then=Value(1),
    ),
    default=Value(2),
    output_field=IntegerField(),
)
_OPEN_FIRST = Case(
    When(read_at__isnull=True, resolved_at__isnull=True, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


def visible_q(user) -> Q:
    """About no learner, or about one the user may see now (the learners' gate)."""
    return send_gate.visible_q(user)


def notifications_for_user(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(visible_q(user), recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True, resolved_at__isnull=True)
    # By urgency: open reminders first, the most overdue (earliest due) at the top.
    return notifications.select_related("learner").order_by(
        _OPEN_FIRST, "due_on", _ESCALATIONS_FIRST, "-created_at", "-pk"
    )


def notification_for_user(user, pk: int) -> Notification:
    notification = notifications_for_user(user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def unread_count_for_user(user) -> int:
    return notifications_for_user(user, unread_only=True).count()
