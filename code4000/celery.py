"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "code4000.settings")

logger = logging.getLogger(__name__)

RELAY_TASK = "notifications.relay_outbox"

# Every task goes through the outbox when enqueued on commit (delay_on_commit),
# so a page still saves when the broker is down: see notifications/outbox.py.
app = Celery("code4000", task_cls="notifications.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class RelayOutboxOnConnect(bootsteps.StartStopStep):
    """Each time a worker's consumer connects to the broker (when the worker
    starts, and again when the broker comes back after an outage) it asks for
    one relay of the outbox: work that waited is sent at once, not at beat's
    next minute, and not only when beat runs at all."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer) -> None:
        try:
            consumer.app.send_task(
                RELAY_TASK, retry=True, retry_policy={"max_retries": 2, "interval_start": 0.5}
            )
        except Exception:  # the relay is a help, never a reason to stop consuming
            logger.warning("Could not ask for an outbox relay on connect", exc_info=True)


app.steps["consumer"].add(RelayOutboxOnConnect)
