"""Publish the broker work waiting in the outbox now (beat does it every minute)."""

from django.core.management.base import BaseCommand

from notifications.models import OutboxMessage
from notifications.outbox import relay_pending


class Command(BaseCommand):
    help = "Send the tasks waiting in the outbox to the broker, if it answers."

    def handle(self, *args, **options) -> None:
        sent = relay_pending()
        waiting = OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
        self.stdout.write(f"{sent} sent to the broker; {waiting} still waiting.")
