"""/healthz: 200 when the database and the broker answer, 503 naming what does not.

It also reports the background work, without failing the web process for it
(restarting web would not help): `beat` is "stale" when no reminder sweep started
in the last day (beat stopped, or its worker), and `outbox` is "stuck" when broker
work has waited more than five minutes. Either makes `status` "degraded: ..."."""

import datetime as dt
import logging
import threading

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


# One broker connection per process, kept between requests (opening one took a
# TCP connect and a handshake on every /healthz). The lock keeps threads of one
# process from using it at once; a connection that fails is dropped, so the next
# request opens a new one.
_broker_lock = threading.Lock()
_broker: tuple[str, Connection] | None = None


def _broker_drop() -> None:
    global _broker
    if _broker is not None:
        try:
            _broker[1].release()
        except Exception:
            logger.debug("Health check: closing the broker connection failed", exc_info=True)
    _broker = None


def _broker_connection() -> Connection:
    """The kept connection to the configured broker (a new one if the URL changed)."""
    global _broker
    url = settings.CELERY_BROKER_URL
    if _broker is None or _broker[0] != url:
        _broker_drop()
        transport_options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
        if url.startswith(("redis://", "rediss://")):
            # A kept socket must not hang a check on a broker that stopped answering.
            transport_options |= {"socket_timeout": 2, "socket_connect_timeout": 2}
        _broker = (url, Connection(url, connect_timeout=2, transport_options=transport_options))
    return _broker[1]


def broker_answers() -> bool:
    """The broker answers now: the kept connection is (re)connected if need be,
    then asked to PING (Redis) so a connection the broker has dropped is noticed."""
    with _broker_lock:
        try:
            broker = _broker_connection()
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            client = getattr(broker.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
            return True
        except Exception:
            logger.warning("Health check: the broker did not answer", exc_info=True)
            _broker_drop()
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
