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
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_healthz_is_503_naming_the_broker_when_redis_is_down(client):
    with override_settings(CELERY_BROKER_URL=NOWHERE):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "unavailable: broker"


def test_healthz_is_503_naming_the_database_when_it_fails(client, monkeypatch):
    from code4000 import health

    def database_gone():
        raise RuntimeError("database gone")

    monkeypatch.setattr(health.connection, "cursor", database_gone)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable: database"
