"""/healthz: 200 when the database and the broker answer, 503 naming what does not.

It also reports the background work, without failing the web process for it
(restarting web would not help): `beat` is "stale" when no reminder sweep started
in the last day (beat stopped, or its worker), and `outbox` is "stuck" when broker
work has waited more than five minutes. Either makes `status` "degraded: ..."."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def broker_answers() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=2,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:
        logger.warning("Health check: the broker did not answer", exc_info=True)
        return False


SWEEP_EXPECTED_EVERY = dt.timedelta(days=1, hours=1)
OUTBOX_STUCK_AFTER = dt.timedelta(minutes=5)


def beat_state() -> str:
    from notifications.models import SweepRun

    last = SweepRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    if last is None:
        return "no sweep yet"
    if last < timezone.now() - SWEEP_EXPECTED_EVERY:
        return f"stale: last sweep {last.isoformat(timespec='minutes')}"
    return "ok"


def outbox_state() -> str:
    from notifications.models import OutboxMessage

    waiting = OutboxMessage.objects.filter(
        dispatched_at__isnull=True, available_at__lt=timezone.now() - OUTBOX_STUCK_AFTER
    ).count()
    return f"stuck: {waiting} waiting" if waiting else "ok"


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = {"database": database_answers(), "broker": broker_answers()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {name: ("ok" if ok else "unavailable") for name, ok in checks.items()}
    degraded = []
    if checks["database"]:
        body["beat"] = beat_state()
        body["outbox"] = outbox_state()
        degraded = [
            name for name in ("beat", "outbox") if body[name].startswith(("stale", "stuck"))
        ]
    if failing:
        body["status"] = f"unavailable: {', '.join(failing)}"
    elif degraded:
        body["status"] = f"degraded: {', '.join(degraded)}"
    else:
        body["status"] = "ok"
    return JsonResponse(body, status=503 if failing else 200)
