"""Issue 19 item 5: the report page says plainly when the background service is
unavailable and that the report will start by itself; the partner report form's
offered dates are real defaults."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from code4000.celery import app
from notifications.models import OutboxMessage
from notifications.outbox import breaker
from reports.forms import default_period
from reports.models import Partner, ReportRun, RunStatus

pytestmark = pytest.mark.django_db(transaction=True)

NOWHERE = "redis://127.0.0.1:1/7"


@pytest.fixture(autouse=True)
def _fresh_breaker():
    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture
def broker_down():
    real = app.conf.broker_url
    app.conf.broker_url = NOWHERE
    yield
    app.conf.broker_url = real


def test_with_the_broker_down_the_page_says_the_report_will_start_by_itself(
    client, director, prison, broker_down
):
    client.force_login(director)
    response = client.post(
        reverse("reports:partner_list"),
        {
            "partner": Partner.DCMS,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "prisons": [prison.pk],
        },
    )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert OutboxMessage.objects.get(dispatched_at__isnull=True).args == [run.pk]
    page = client.get(reverse("reports:partner_detail", args=[run.pk])).content.decode()
    assert "background service that makes reports is not available" in page
    assert "will start by itself" in page
    assert "The report is waiting to be made." in page


def test_a_run_handed_over_but_not_started_says_so(client, director, prison):
    run = ReportRun.objects.create(
        partner=Partner.DCMS,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        params_key="slow",
        requested_at=timezone.now() - dt.timedelta(minutes=5),
    )
    run.prisons.set([prison])
    client.force_login(director)
    page = client.get(reverse("reports:partner_detail", args=[run.pk])).content.decode()
    assert "has not started this report yet" in page
    assert "not available" not in page
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    page = client.get(reverse("reports:partner_detail", args=[run.pk])).content.decode()
    assert "has not started" not in page


def test_the_form_shows_its_default_dates_in_a_form_a_date_input_accepts(client, director):
    """The default period fills the day, month and year boxes (the GOV.UK date input)."""
    client.force_login(director)
    page = client.get(reverse("reports:partner_list")).content.decode()
    start, end = default_period()
    for name, day in (("period_start", start), ("period_end", end)):
        for box, part in enumerate((day.day, day.month, day.year)):
            assert f'name="{name}_{box}" value="{part}"' in page


def test_submitting_without_dates_uses_the_offered_period(client, director, prison, broker_down):
    client.force_login(director)
    response = client.post(
        reverse("reports:partner_list"), {"partner": Partner.MOJ, "prisons": [prison.pk]}
    )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert (run.period_start, run.period_end) == default_period()
