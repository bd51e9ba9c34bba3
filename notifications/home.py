"""Home page section for administrators: emails that could not be delivered."""

import datetime as dt

from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.home import HomeSection
from notifications.models import DeliveryFailure

RECENT = dt.timedelta(days=30)


def delivery_failures_recent() -> int:
    """Emails that failed in the last 30 days (every retry failed, or the worker
    stopped while sending)."""
    return DeliveryFailure.objects.filter(failed_at__gte=timezone.now() - RECENT).count()


def home_sections(request) -> list[HomeSection]:
    if not access_for(request.user).can(Capability.CONFIGURE):
        return []
    return [
        HomeSection(
            "notifications/includes/home_delivery_failures.html",
            {"count": delivery_failures_recent()},
        )
    ]
