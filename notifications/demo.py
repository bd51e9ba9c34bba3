"""Demo reminders: run the sweep over the demo learners, so each demo user has
notifications, and mark the oldest few as read so the list shows both."""

from django.utils import timezone

from notifications.models import Notification
from notifications.services import reminders_run


def seed(world, *, size: int, log) -> None:
    result = reminders_run(trigger="demo")
    oldest = Notification.objects.order_by("due_on", "pk").values_list("pk", flat=True)[:3]
    Notification.objects.filter(pk__in=list(oldest)).update(read_at=timezone.now())
    log(f"{result.created} reminders created by the demo sweep.")
