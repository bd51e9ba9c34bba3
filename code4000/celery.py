"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "code4000.settings")

# Every task goes through the outbox when enqueued on commit (delay_on_commit),
# so a page still saves when the broker is down: see notifications/outbox.py.
app = Celery("code4000", task_cls="notifications.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
