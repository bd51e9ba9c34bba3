"""Under production static settings (the manifest storage, `collectstatic`, DEBUG
off) `{% static 'pdf/report.css' %}` names a hashed file the finders do not know.
Both PDFs must still get their stylesheet: the page footer ("Page 1 of N") and the
Liberation Sans font exist only when report.css was applied."""

import datetime as dt
import subprocess

import pytest
from django.core.management import call_command

from reports.models import Partner, ReportRun
from reports.pdf import StaticOnlyFetcher, render_pdf
from reports.progress_report import learner_progress_context
from reports.services import partner_report_context

pytestmark = pytest.mark.django_db

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": MANIFEST},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def _pdf_text_and_fonts(pdf: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return text, fonts


def _assert_styled(pdf: bytes, fetcher: StaticOnlyFetcher, tmp_path) -> None:
    stylesheets = [url for url in fetcher.served if url.endswith(".css")]
    assert len(stylesheets) == 1
    # The hashed name from the manifest, not the plain one.
    assert "/static/pdf/report." in stylesheets[0]
    assert not stylesheets[0].endswith("/report.css")
    assert fetcher.refused == []
    text, fonts = _pdf_text_and_fonts(pdf, tmp_path)
    assert "Page 1 of" in text  # the @page footer from report.css
    assert "Liberation-Sans" in fonts  # the stylesheet's font, not WeasyPrint's default


def test_the_static_tag_names_a_hashed_file_under_these_settings(production_static):
    from django.templatetags.static import static

    assert static("pdf/report.css") != "/static/pdf/report.css"
    assert (production_static / "staticfiles.json").exists()


def test_partner_report_pdf_is_styled_in_production(production_static, prison, tmp_path):
    run = ReportRun.objects.create(
        partner=Partner.DCMS,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        params_key="production-static",
    )
    run.prisons.set([prison])
    fetcher = StaticOnlyFetcher()
    pdf = render_pdf(
        "reports/pdf/partner_report.html", partner_report_context(run), fetcher=fetcher
    )
    _assert_styled(pdf, fetcher, tmp_path)


def test_learner_progress_pdf_is_styled_in_production(production_static, learner, tmp_path):
    fetcher = StaticOnlyFetcher()
    pdf = render_pdf(
        "reports/pdf/learner_progress.html", learner_progress_context(learner), fetcher=fetcher
    )
    _assert_styled(pdf, fetcher, tmp_path)


def test_a_file_outside_the_collected_folder_is_still_refused(production_static, tmp_path):
    (tmp_path / "secret.css").write_text("body { color: red; }")
    fetcher = StaticOnlyFetcher()
    assert (
        fetcher._static_path("https://pdf-assets.learner-journey.invalid/static/../secret.css")
        is None
    )
    assert (
        fetcher._static_path("https://pdf-assets.learner-journey.invalid/static/%2e%2e/secret.css")
        is None
    )
