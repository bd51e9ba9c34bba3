"""/healthz: 200 when the database and the broker answer, 503 naming what does not."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
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


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = {"database": database_answers(), "broker": broker_answers()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {name: ("ok" if ok else "unavailable") for name, ok in checks.items()}
    body["status"] = "ok" if not failing else f"unavailable: {', '.join(failing)}"
    return JsonResponse(body, status=503 if failing else 200)
