"""The report page while the PDF is being made: its status and progress live in one
region that the page updates in place, announced to screen readers (WCAG 4.1.3),
with no second status beside it that would go stale."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from reports.models import Partner, ReportRun, RunStatus
from reports.services import partner_report_request

pytestmark = pytest.mark.django_db


def _region(page: str) -> str:
    found = re.search(r"<div data-lj-progress[^>]*>(.*?)</div>", page, re.S)
    assert found, "no progress region"
    assert 'role="status"' in found.group(0), "the progress region is not a live region"
    return found.group(1)


def _page(client, run) -> str:
    return client.get(reverse("reports:partner_detail", args=[run.pk])).content.decode()


def test_the_progress_region_carries_the_status_and_is_announced(client, director, prison):
    client.force_login(director)
    run, _ = partner_report_request(
        actor=director,
        partner=Partner.FUNDERS,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        prisons=[prison],
    )
    page = _page(client, run)
    assert "Progress: 0% (queued)" in _region(page)
    assert 'data-testid="run-status"' not in page

    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=50)
    page = _page(client, run)
    assert "Progress: 50% (being made)" in _region(page)
    assert 'data-testid="run-status"' not in page
    assert page.count('role="status"') == 1

    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, progress=50)
    page = _page(client, run)
    assert "data-lj-progress" not in page
    assert re.search(r'data-testid="run-status">\s*<strong[^>]*>Failed', page)
