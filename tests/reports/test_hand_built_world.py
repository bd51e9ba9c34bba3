"""Every figure, percentage and suppression of a world built by hand, checked in
the figures module, on the dashboard, in the impact CSV and in the PDF text."""

import csv
import io
import re
import subprocess

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from reports.figures import impact_figures
from reports.models import Partner, PublishedKind, PublishedTable, RunStatus
from reports.services import partner_report_request
from reports.tasks import report_render_task
from tests.reports.world import PERIOD, build_hand_built_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand_world(prison, other_prison, make_user):
    owner = make_user(Role.TUTOR, [prison])
    return build_hand_built_world(prison, other_prison, owner)


@pytest.fixture
def figures(hand_world, prison):
    return impact_figures(period_start=PERIOD[0], period_end=PERIOD[1], prisons=[prison])


def test_headline_counts(figures):
    assert figures.learners.value == 17
    assert figures.new_starters.value == 6
    assert figures.active.value == 7
    assert figures.graduates.value == 10
    assert figures.modules_completed.value == 12
    assert figures.reviews_held.value == 10
    assert (figures.reviews_on_time.numerator, figures.reviews_on_time.denominator) == (8, 10)
    assert figures.reviews_on_time.public == "80%"
    assert figures.interventions_raised.value == 6
    assert figures.interventions_closed.value == 5
    assert figures.releases.value == 12
    assert figures.returns_to_custody.value == 1
    assert figures.returns_to_custody.public == "fewer than 5"
    assert [p.code for p in figures.prisons] == ["HMI"]


def test_outcomes_among_released_graduates(figures):
    group = figures.released_graduates
    assert group.released.value == 10
    assert group.followed_up.value == 10
    expected = {
        "tech": (3, "fewer than 5", "withheld"),
        "self_employed": (1, "fewer than 5", "withheld"),
        "training": (2, "fewer than 5", "withheld"),
        "education": (1, "fewer than 5", "withheld"),
        "positive": (7, "7", "70%"),
        "returned": (1, "fewer than 5", "withheld"),
        "lost_contact": (2, "fewer than 5", "withheld"),
    }
    for key, (count, shown, share) in expected.items():
        line = group.line(key).share
        assert (line.numerator, line.denominator) == (count, 10), key
        assert (line.count.public, line.public) == (shown, share), key
        assert line.percent == (70 if key == "positive" else None)


def test_outcomes_among_all_released_learners(figures):
    group = figures.all_released
    assert (group.released.value, group.followed_up.value) == (12, 12)
    numbers = {line.key: line.share.numerator for line in group.lines}
    assert numbers == {
        "tech": 3,
        "self_employed": 1,
        "training": 2,
        "education": 1,
        "positive": 8,
        "returned": 1,
        "lost_contact": 3,
    }
    assert group.line("positive").share.public == "67%"  # 8 of 12, rounded
    assert group.line("lost_contact").share.public == "withheld"
    by_kind = {line.key: line.share.numerator for line in group.by_kind}
    assert by_kind["employed_other"] == 1


def test_quarters_and_reviews_by_prison(figures):
    rows = [
        (r.label, r.starters, r.graduates, r.releases)
        for r in figures.starters_graduates_releases_by_quarter
    ]
    assert rows == [
        ("2025 Q1", 3, 6, 0),
        ("2025 Q2", 1, 4, 10),
        ("2025 Q3", 2, 0, 0),
        ("2025 Q4", 0, 0, 2),
    ]
    assert [(r.prison, r.on_time.public) for r in figures.reviews_on_time_by_prison] == [
        ("HMP Humber", "80%")
    ]


def test_both_prisons_count_the_learner_elsewhere(hand_world, prison, other_prison):
    both = impact_figures(
        period_start=PERIOD[0], period_end=PERIOD[1], prisons=[prison, other_prison]
    )
    assert both.released_graduates.line("tech").share.numerator == 4
    assert both.released_graduates.followed_up.value == 11
    assert both.modules_completed.value == 13


def _rows(html: str, attribute: str) -> dict[str, str]:
    rows = {}
    for key, inner in re.findall(rf'{attribute}="([a-z_]+)"[^>]*>(.*?)</tr>', html, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        rows.setdefault(key, text)
    return rows


def _dashboard(client, prison, **extra):
    response = client.get(
        reverse("reports:dashboard"),
        {"period_start": "2025-01-01", "period_end": "2025-12-31", "prisons": [prison.pk], **extra},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_shows_the_released_figures(client, director, hand_world, prison):
    """Under issue 14's rules the released figures are rounded to the nearest 5 and
    percentages come from the rounded counts: 17 learners show as 15, 8 of 10
    reviews on time as 10 of 10 (100%), 7 of 10 in positive activity as 5 of 10."""
    client.force_login(director)
    html = _dashboard(client, prison)
    assert "You are looking at the released figures" in html
    figures = _rows(html, "data-figure")
    assert figures["learners"] == "Learners on the programme 15"
    assert figures["new_starters"] == "New starters in the period 5"
    assert figures["graduates"] == "Graduates in the period 10"
    assert figures["modules_completed"] == "Modules completed 10"
    assert figures["reviews_on_time"] == "Share of reviews held on time 100% (of 10)"
    assert figures["interventions_closed"] == "Interventions closed 5"
    assert figures["returns_to_custody"] == "Returns to custody in the period fewer than 5"
    graduates_table = html.split('data-testid="outcomes-1"')[1].split("</table>")[0]
    outcomes = _rows(graduates_table, "data-outcome")
    assert outcomes["tech"] == "In tech work fewer than 5 withheld"
    assert outcomes["positive"] == "In positive activity of any kind 5 50%"
    assert outcomes["returned"] == "Returned to custody fewer than 5 withheld"
    all_table = html.split('data-testid="outcomes-2"')[1].split("</table>")[0]
    assert _rows(all_table, "data-outcome")["positive"] == (
        "In positive activity of any kind 10 100%"
    )
    assert "Denominator: 10 released graduates with a follow-up recorded, of 10 released" in html
    kinds_table = html.split('data-testid="outcome-kinds-2"')[1].split("</table>")[0]
    kinds = _rows(kinds_table, "data-kind")
    assert kinds["employed_other"] == "Employed outside tech fewer than 5 withheld"
    assert kinds["volunteering"] == "Volunteering 0 0%"
    # Four charts, each an SVG with a title and description, and a table alternative.
    assert html.count('role="img"') == 4
    assert html.count("<desc id=") == 4
    assert html.count('class="govuk-table lj-chart-data"') == 4
    assert "HMP Risley" not in html.split('id="main-content"')[1].split("Period and prisons")[0]
    event = AuditEvent.objects.get(action="report.dashboard.view")
    assert event.detail == {
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "prisons": ["HMI"],
    }


def test_a_director_may_see_the_exact_figures_on_screen(client, director, hand_world, prison):
    client.force_login(director)
    html = _dashboard(client, prison, figures="exact")
    assert "You are looking at the exact figures, for use inside Code4000 only" in html
    figures = _rows(html, "data-figure")
    assert figures["learners"] == "Learners on the programme 17"
    assert figures["reviews_on_time"] == "Share of reviews held on time 80% (of 10)"
    assert figures["returns_to_custody"] == "Returns to custody in the period 1"
    graduates_table = html.split('data-testid="outcomes-1"')[1].split("</table>")[0]
    outcomes = _rows(graduates_table, "data-outcome")
    assert outcomes["tech"] == "In tech work 3 30%"
    assert outcomes["positive"] == "In positive activity of any kind 7 70%"
    # Printing the page leaves the exact figures out.
    exact_part = html.split('class="govuk-!-display-none-print"')[1]
    assert 'data-figure="learners"' in exact_part
    assert "The exact figures are not printed" in html
    event = AuditEvent.objects.get(action="report.dashboard.view")
    assert event.detail["exact_figures"] is True


def test_only_a_director_may_see_the_exact_figures(client, administrator, hand_world, prison):
    client.force_login(administrator)
    html = _dashboard(client, prison, figures="exact")
    assert "You are looking at the released figures" in html
    assert _rows(html, "data-figure")["learners"] == "Learners on the programme 15"
    assert "Show the exact figures" not in html


def test_impact_csv_has_the_suppressed_figures(client, director, hand_world, prison):
    client.force_login(director)
    response = client.get(
        reverse("reports:impact_csv"),
        {"period_start": "2025-01-01", "period_end": "2025-12-31", "prisons": [prison.pk]},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # Rounded to the nearest 5 under issue 14's rules (17 -> 15, 8 of 10 -> 10 of 10).
    assert ["Learners on the programme", "15", ""] in rows
    assert ["Share of reviews held on time", "100%", "10"] in rows
    assert ["Returns to custody in the period", "fewer than 5", ""] in rows
    assert ["In tech work", "fewer than 5", "withheld"] in rows
    assert ["In positive activity of any kind", "5", "50%"] in rows
    assert ["2025 Q1", "fewer than 5", "5", "0"] in rows
    assert ["2025 Q2", "fewer than 5", "fewer than 5", "10"] in rows
    assert ["HMP Humber", "100%", "10"] in rows
    assert PublishedTable.objects.filter(kind=PublishedKind.IMPACT_CSV).count() == 1
    assert AuditEvent.objects.filter(action="report.impact_csv").count() == 1


def test_partner_report_pdf_text(
    hand_world, prison, director, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks() as callbacks:
        run, created = partner_report_request(
            actor=director,
            partner=Partner.MOJ,
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            prisons=[prison],
        )
    assert created and len(callbacks) == 1
    report_render_task(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100
    pdf_path = tmp_path / "report.pdf"
    pdf_path.write_bytes(run.file.read())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Prepared for the Ministry of Justice" in flat
    assert "1 January 2025 to 31 December 2025" in flat
    assert "HMP Humber" in flat and "HMP Risley" not in flat
    # Rounded to the nearest 5 under issue 14's rules.
    assert re.search(r"Learners on the programme\s+15\n", text)
    assert re.search(r"Share of reviews held on time\s+100% \(of 10\)", text)
    assert re.search(r"Returns to custody in the period\s+fewer than 5", text)
    graduates, everyone = text.split("Outcomes at the latest follow-up: all released learners", 1)
    assert re.search(r"In tech work\s+fewer than 5\s+withheld", graduates)
    assert re.search(r"In positive activity of any kind\s+5\s+50%", graduates)
    assert re.search(r"Lost contact\s+fewer than 5\s+withheld", graduates)
    assert re.search(r"In positive activity of any kind\s+10\s+100%", everyone)
    assert "Denominator: 10 released graduates with a follow-up recorded" in flat
    assert "How these figures are counted" in flat
    # The method note says what is held back, why, and what "withheld" means.
    assert "Small numbers: what is held back and why" in flat
    assert "withheld means we have held back a figure that is not itself small" in flat
    assert "Withheld never means zero" in flat
    assert PublishedTable.objects.filter(kind=PublishedKind.PARTNER_PDF, run=run).count() == 1
    assert re.search(r"Page 1 of [2-9]", text)
