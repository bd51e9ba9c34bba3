"""The outbox: broker work is written to the database first, then published.

`enqueue(task, *args)` inserts an OutboxMessage in the caller's transaction and,
once that transaction commits, tries to publish it. When the broker does not
answer, the request carries on (a refused or slow connection costs at most
BROKER_CONNECT_TIMEOUT seconds, and after one failure no request tries again
for BROKER_COOLDOWN seconds), the failure is logged once per outage, and the
row waits. `relay_pending()` publishes every waiting row: each worker asks for it
when it connects to the broker (at start and after an outage), a web process
asks for it when its first publish after an outage succeeds, and beat runs it
every minute.

`OutboxTask` is the Celery app's task class: `task.delay_on_commit(...)` and
`task.apply_async_on_commit(...)` go through the outbox for every app, and no
task can be published with a countdown or ETA longer than the broker's
visibility timeout (a longer one would be delivered twice).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)

BROKER_CONNECT_TIMEOUT = 1.0
BROKER_COOLDOWN = 15.0
RELAY_BATCH = 500
KEEP_DISPATCHED_FOR = dt.timedelta(days=7)


def visibility_timeout() -> int:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    return int(options.get("visibility_timeout", 3600))


def check_delay(countdown: float | None = None, eta: dt.datetime | None = None) -> None:
    """Refuse a countdown or ETA the broker would redeliver before it runs."""
    limit = visibility_timeout()
    if countdown is not None and countdown > limit:
        raise ValueError(f"A countdown of {countdown}s is longer than the {limit}s visibility.")
    if eta is not None and (eta - timezone.now()).total_seconds() > limit:
        raise ValueError(f"An ETA of {eta.isoformat()} is beyond the {limit}s visibility.")


class BrokerBreaker:
    """Remembers, per process, that the broker is down: one log line per outage,
    and no request waits on a broker known to be down."""

    def __init__(self, cooldown: float = BROKER_COOLDOWN) -> None:
        self.cooldown = cooldown
        self.down_since: float | None = None
        self.retry_at = 0.0
        self._lock = threading.Lock()

    def allows_attempt(self) -> bool:
        with self._lock:
            return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            first = self.down_since is None
            if first:
                self.down_since = now
            self.retry_at = now + self.cooldown
        if first:
            logger.warning(
                "The Celery broker is not answering (%s: %s); broker work waits in the "
                "outbox and is sent when it answers again.",
                type(exc).__name__,
                exc,
            )

    def succeeded(self) -> bool:
        """Note the broker answered; True when it had been down (an outage ended)."""
        with self._lock:
            down_since, self.down_since = self.down_since, None
        if down_since is not None:
            logger.warning(
                "The Celery broker answers again after %.0fs; sending the outbox.",
                time.monotonic() - down_since,
            )
        return down_since is not None

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def reset(self) -> None:
        with self._lock:
            self.down_since = None
            self.retry_at = 0.0


breaker = BrokerBreaker()


def _celery_app():
    from code4000.celery import app

    return app


def enqueue(task_name: str, *args: Any, countdown: int | None = None, **kwargs: Any):
    """Write one task to the outbox in the current transaction; publish after commit."""
    return enqueue_many(task_name, [args], kwargs_list=[kwargs], countdown=countdown)[0]


def enqueue_many(
    task_name: str,
    args_list: Iterable[Iterable[Any]],
    *,
    kwargs_list: list[dict[str, Any]] | None = None,
    countdown: int | None = None,
) -> list:
    """Write many calls of one task in one INSERT; publish them after commit."""
    from notifications.models import OutboxMessage

    check_delay(countdown=countdown)
    now = timezone.now()
    available = now + dt.timedelta(seconds=countdown or 0)
    args_list = [list(args) for args in args_list]
    kwargs_list = kwargs_list or [{} for _ in args_list]
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            task_name=task_name, args=args, kwargs=kw, created_at=now, available_at=available
        )
        for args, kw in zip(args_list, kwargs_list, strict=True)
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: publish(ids))
    return rows


def _connection():
    app = _celery_app()
    return app.connection_for_write(
        app.conf.broker_write_url or app.conf.broker_url,
        connect_timeout=BROKER_CONNECT_TIMEOUT,
    )


def _send(conn, rows: list) -> tuple[list[int], BaseException | None]:
    """Publish rows on one connection; the ids sent, and the error that stopped it."""
    app = _celery_app()
    sent: list[int] = []
    now = timezone.now()
    try:
        for row in rows:
            countdown = max(0.0, (row.available_at - now).total_seconds())
            app.send_task(
                row.task_name,
                args=row.args,
                kwargs=row.kwargs,
                task_id=str(row.task_id),
                countdown=countdown or None,
                connection=conn,
                retry=False,
            )
            sent.append(row.pk)
    except Exception as exc:  # any broker error leaves the rows waiting
        return sent, exc
    return sent, None


def publish(ids: list[int], *, force: bool = False) -> int:
    """Publish the given waiting rows now; returns how many went. Never raises
    for a broker error: the rows stay for the relay. The broker is reached
    before any row is locked, so a broker that is away costs one refused
    connection (and none at all while the breaker is open)."""
    from notifications.models import OutboxMessage

    if not ids:
        return 0
    if not force and not breaker.allows_attempt():
        return 0
    try:
        conn = _connection()
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    except Exception as exc:  # the broker is away: leave every row for the relay
        breaker.failed(exc)
        return 0
    error = None
    sent: list[int] = []
    with conn, transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, dispatched_at__isnull=True)
            .order_by("pk")
        )
        if rows:
            sent, error = _send(conn, rows)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(dispatched_at=timezone.now())
        if error is not None:
            sent_ids = set(sent)
            OutboxMessage.objects.filter(
                pk__in=[row.pk for row in rows if row.pk not in sent_ids]
            ).update(attempts=F("attempts") + 1, last_error=str(error)[:500])
    if error is not None:
        breaker.failed(error)
    elif breaker.succeeded():
        # The outage is over: what other requests left waiting goes now, not at
        # beat's next minute (and without beat at all).
        _request_relay()
    return len(sent)


def _request_relay() -> None:
    from code4000.celery import RELAY_TASK

    try:
        _celery_app().send_task(RELAY_TASK, retry=False)
    except Exception as exc:  # the beat's relay is still there
        logger.warning("Could not ask for an outbox relay: %s", exc)


def relay_pending(*, limit: int = RELAY_BATCH * 20) -> int:
    """Publish every waiting row, oldest first; returns how many went."""
    from notifications.models import OutboxMessage

    total = 0
    while total < limit:
        ids = list(
            OutboxMessage.objects.filter(dispatched_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:RELAY_BATCH]
        )
        if not ids:
            break
        sent = publish(ids, force=True)
        total += sent
        if sent < len(ids):
            break
    OutboxMessage.objects.filter(dispatched_at__lt=timezone.now() - KEEP_DISPATCHED_FOR).delete()
    return total


class OutboxTask(DjangoTask):
    """The app's task class. `*_on_commit` goes through the outbox."""

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(self, args=None, kwargs=None, **options: Any) -> None:
        if self.app.conf.task_always_eager:
            super().apply_async_on_commit(args, kwargs, **options)
            return
        countdown = options.pop("countdown", None)
        eta = options.pop("eta", None)
        if eta is not None:
            countdown = max(0, int((eta - timezone.now()).total_seconds()))
        if options:
            raise TypeError(f"The outbox keeps only args and a countdown, not {sorted(options)}.")
        enqueue(self.name, *(args or ()), countdown=countdown, **(kwargs or {}))

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        check_delay(options.get("countdown"), options.get("eta"))
        return super().apply_async(args, kwargs, task_id, producer, **options)
