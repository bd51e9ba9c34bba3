import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

# A port where nothing listens: the broker is "down" for this request.
NOWHERE = "redis://127.0.0.1:1/0"


def test_healthz_is_200_when_database_and_redis_answer(client, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "beat": "no sweep yet",
        "outbox": "ok",
        "status": "ok",
    }


def test_healthz_is_503_naming_the_broker_when_redis_is_down(client):
    with override_settings(CELERY_BROKER_URL=NOWHERE):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "unavailable: broker"


def test_healthz_keeps_one_broker_connection_between_requests(client):
    from code4000 import health

    assert client.get(reverse("healthz")).json()["broker"] == "ok"
    kept = health._broker[1]
    pool = kept.default_channel.client.connection_pool
    for _ in range(3):
        assert client.get(reverse("healthz")).json()["broker"] == "ok"
    assert health._broker[1] is kept
    assert pool._created_connections == 1  # one socket to Redis, used by every check


def test_healthz_reports_the_broker_down_after_a_kept_connection(client):
    from code4000 import health

    assert client.get(reverse("healthz")).json()["broker"] == "ok"
    with override_settings(CELERY_BROKER_URL=NOWHERE):
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["broker"] == "unavailable"
        assert health._broker is None  # dropped: the next check connects afresh
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


def test_healthz_notices_a_kept_connection_the_broker_dropped(client, settings):
    import redis

    from code4000 import health

    assert client.get(reverse("healthz")).json()["broker"] == "ok"
    kept_id = health._broker[1].default_channel.client.client_id()
    other = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert other.client_kill_filter(_id=kept_id) == 1
    # The kept socket is dead: the check reconnects (Redis is up) and says so.
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


def test_healthz_is_503_naming_the_database_when_it_fails(client, monkeypatch):
    from code4000 import health

    def database_gone():
        raise RuntimeError("database gone")

    monkeypatch.setattr(health.connection, "cursor", database_gone)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable: database"


def test_healthz_reports_a_stale_beat_and_a_stuck_outbox(client):
    """Issue 19 item 9: no sweep in the last day, and broker work waiting for
    more than five minutes, are reported (200: the web process itself is fine)."""
    import datetime as dt

    from django.utils import timezone

    from notifications.models import OutboxMessage, SweepRun

    now = timezone.now()
    SweepRun.objects.create(run_on=now.date(), started_at=now - dt.timedelta(hours=2))
    assert client.get(reverse("healthz")).json()["beat"] == "ok"
    SweepRun.objects.update(started_at=now - dt.timedelta(days=2))
    OutboxMessage.objects.create(task_name="notifications.relay_outbox")  # just written
    body = client.get(reverse("healthz")).json()
    assert body["beat"].startswith("stale: last sweep")
    assert body["outbox"] == "ok"
    OutboxMessage.objects.update(available_at=now - dt.timedelta(minutes=6))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["outbox"] == "stuck: 1 waiting"
    assert response.json()["status"] == "degraded: beat, outbox"


def test_logs_are_json_lines_with_the_request_id(client, settings):
    import json
    import logging

    from code4000.log_format import JsonFormatter, RequestIdFilter

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("code4000.health")
    logger.addHandler(handler)
    try:
        with override_settings(CELERY_BROKER_URL=NOWHERE):
            response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="req-test-1234")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-test-1234"
    lines = [json.loads(line) for line in records]
    assert lines
    assert lines[0]["request_id"] == "req-test-1234"
    assert lines[0]["level"] == "WARNING"
    assert lines[0]["logger"] == "code4000.health"
    assert "broker did not answer" in lines[0]["message"]
