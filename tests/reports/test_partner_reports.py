"""Partner report runs: asked for on a page, made by a task with progress, stored,
listed, downloaded, made again idempotently; every step audited."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from reports.models import Partner, ReportRun, RunStatus, StoredFile
from reports.services import partner_report_regenerate, partner_report_render
from reports.tasks import report_render_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(client, prison, **overrides):
    data = {
        "partner": Partner.DCMS,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "prisons": [prison.pk],
        **overrides,
    }
    return client.post(reverse("reports:partner_list"), data)


def test_asking_twice_for_the_same_report_makes_one_run_and_one_task(
    client, director, prison, django_capture_on_commit_callbacks
):
    client.force_login(director)
    with django_capture_on_commit_callbacks() as first:
        response = _post(client, prison)
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:partner_detail", args=[run.pk])
    assert len(first) == 1
    assert (run.status, run.progress, run.requested_by) == (RunStatus.QUEUED, 0, director)

    with django_capture_on_commit_callbacks() as second:
        again = _post(client, prison)
    assert again["Location"] == response["Location"]
    assert ReportRun.objects.count() == 1
    assert second == []
    events = AuditEvent.objects.filter(action="report.partner.request").order_by("pk")
    assert [e.detail["new"] for e in events] == [True, False]
    assert events[0].detail["prisons"] == ["HMI"]
    assert events[0].detail["period_start"] == "2025-01-01"


def test_the_detail_page_shows_progress_then_the_download(client, director, prison):
    client.force_login(director)
    _post(client, prison)
    run = ReportRun.objects.get()
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=50)
    page = client.get(reverse("reports:partner_detail", args=[run.pk])).content.decode()
    assert '<progress id="report-progress" class="lj-progress" max="100" value="50">' in page
    # The page never refreshes itself on a timer (WCAG 2.2.1): a script updates the
    # progress region in place, and a link does the same without scripts.
    assert "http-equiv" not in page
    assert "data-lj-progress" in page
    assert "check progress</a>" in page
    assert "Download the PDF" not in page

    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, progress=0)
    report_render_task(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.file.name == f"partner-reports/partner-report-{run.pk}.pdf"
    page = client.get(reverse("reports:partner_detail", args=[run.pk])).content.decode()
    assert "<progress" not in page and "data-lj-progress" not in page
    assert "Download the PDF" in page

    download = client.get(reverse("reports:partner_download", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "code4000-dcms-20250101-20251231.pdf" in download["Content-Disposition"]
    event = AuditEvent.objects.get(action="report.partner.download")
    assert (event.actor, event.object_id) == (director, str(run.pk))

    listing = client.get(reverse("reports:partner_list")).content.decode()
    assert "Department for Culture, Media and Sport" in listing
    assert director.full_name in listing
    assert "Ready" in listing


def test_running_the_task_twice_does_the_work_once(client, director, prison):
    client.force_login(director)
    _post(client, prison)
    run = ReportRun.objects.get()
    report_render_task(run.pk)
    run.refresh_from_db()
    finished, name = run.finished_at, run.file.name
    report_render_task(run.pk)  # a second delivery of the same message
    partner_report_render(run_id=run.pk + 1000)  # a run that is gone: nothing happens
    run.refresh_from_db()
    assert (run.finished_at, run.file.name) == (finished, name)
    assert AuditEvent.objects.filter(action="report.partner.generate").count() == 1


def test_making_it_again_replaces_the_same_file(
    client, director, prison, django_capture_on_commit_callbacks
):
    client.force_login(director)
    _post(client, prison)
    run = ReportRun.objects.get()
    report_render_task(run.pk)
    run.refresh_from_db()
    first_name = run.file.name
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("reports:partner_regenerate", args=[run.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.QUEUED, 0)
    report_render_task(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.file.name == first_name
    _folders, files = run.file.storage.listdir("partner-reports")
    assert files == [f"partner-report-{run.pk}.pdf"]
    assert StoredFile.objects.count() == 1
    assert ReportRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.partner.regenerate").count() == 1


def test_a_run_still_being_made_is_not_started_again(director, prison):
    run = ReportRun.objects.create(
        partner=Partner.MOJ,
        period_start="2025-01-01",
        period_end="2025-03-31",
        params_key="x",
        status=RunStatus.RUNNING,
    )
    assert partner_report_regenerate(actor=director, run=run) is False
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_a_failed_run_is_recorded_and_asking_again_retries(
    client, director, prison, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(director)
    _post(client, prison)
    run = ReportRun.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr("reports.services.render_pdf", broken)
    report_render_task(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "fonts missing")
    page = client.get(reverse("reports:partner_detail", args=[run.pk])).content.decode()
    assert "could not be made" in page
    assert client.get(reverse("reports:partner_download", args=[run.pk])).status_code == 404
    with django_capture_on_commit_callbacks() as callbacks:
        _post(client, prison)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and len(callbacks) == 1


def test_bad_choices_get_the_form_back_with_messages(client, director, prison):
    client.force_login(director)
    response = _post(client, prison, partner="", period_end="2024-01-01", prisons=[])
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the partner the report is for" in page
    assert "Select at least one prison" in page
    assert ReportRun.objects.count() == 0
    assert page.count("<title>Error: ") == 1


def test_who_may_make_and_see_reports(client, make_user, prison, director):
    administrator = make_user(Role.ADMINISTRATOR)
    client.force_login(administrator)
    assert client.get(reverse("reports:partner_list")).status_code == 200
    assert _post(client, prison).status_code == 403
    for role in (Role.TUTOR, Role.REGIONAL_MANAGER, Role.OMU):
        client.force_login(make_user(role, [prison]))
        assert client.get(reverse("reports:partner_list")).status_code == 403
        assert client.get(reverse("reports:dashboard")).status_code == 403
    assert ReportRun.objects.count() == 0


def test_a_report_is_kept_in_postgresql_and_served_without_any_disk(
    client, director, prison, settings, tmp_path
):
    """Issue 19 item 10: the PDF lives in the database, so a web replica with
    another (empty) MEDIA_ROOT on another machine serves it."""
    client.force_login(director)
    _post(client, prison)
    run = ReportRun.objects.get()
    report_render_task(run.pk)
    stored = StoredFile.objects.get(name=f"partner-reports/partner-report-{run.pk}.pdf")
    assert bytes(stored.content).startswith(b"%PDF")
    assert not list(tmp_path.rglob("*.pdf"))  # nothing on this machine's disk
    settings.MEDIA_ROOT = tmp_path / "another-machine"
    response = client.get(reverse("reports:partner_download", args=[run.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(stored.content)
