"""The partner report made end to end by a real Celery worker on the real broker:
the page asks, the task is enqueued on commit, the worker makes the PDF."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from code4000.celery import app
from reports.models import ReportRun, RunStatus


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_report(client, director, prison, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    app.loader.import_default_modules()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
        client.force_login(director)
        response = client.post(
            reverse("reports:partner_list"),
            {
                "partner": "funders",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "prisons": [prison.pk],
            },
        )
        assert response.status_code == 302
        run = ReportRun.objects.get()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.is_finished:
                break
            time.sleep(0.5)
    assert run.status == RunStatus.DONE, run.error
    assert run.file.read().startswith(b"%PDF")
