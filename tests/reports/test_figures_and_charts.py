"""Suppression rules, and charts that escape their labels, carry text
alternatives and draw no bar for a withheld figure. Query counts stay flat."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from reports.charts import Bar, bar_chart, grouped_bar_chart, line_chart
from reports.figures import Count, Share, impact_figures
from reports.models import Partner, ReportRun
from tests.factories import LearnerFactory


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (1234, "1,234")],
)
def test_count_suppression(value, shown):
    assert Count(value).public == shown


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown", "percent"),
    [
        (0, 0, "no one to count", None),
        (0, 10, "0%", 0),
        (3, 10, "withheld", None),  # a suppressed numerator
        (0, 4, "withheld", None),  # a suppressed denominator
        (4, 4, "withheld", None),
        (5, 10, "50%", 50),
        (5, 8, "63%", 63),  # 62.5 rounds half up
        (7, 9, "78%", 78),
        (10, 10, "100%", 100),
    ],
)
def test_share_suppression_and_rounding(numerator, denominator, shown, percent):
    share = Share(numerator, denominator)
    assert (share.public, share.percent) == (shown, percent)


def test_bar_chart_escapes_labels_and_draws_no_bar_when_withheld():
    chart = bar_chart(
        "Outcomes <script>",
        [Bar("<b>Tech</b> & co", None, "withheld"), Bar("Positive", 70, "70%")],
        maximum=100,
        description="Shares & counts",
    )
    svg = str(chart.svg)
    assert "<script>" not in svg and "<b>" not in svg
    assert "Outcomes &lt;script&gt;" in svg
    assert "&lt;b&gt;Tech&lt;/b&gt; &amp; co" in svg
    assert svg.count("<rect") == 1  # only the 70% bar
    assert 'role="img"' in svg and "aria-labelledby=" in svg
    assert re.search(r"<desc id=\"[^\"]+\">Shares &amp; counts</desc>", svg)
    assert chart.text_rows == (("<b>Tech</b> & co", "withheld"), ("Positive", "70%"))
    assert "style=" not in svg and "<script" not in svg


def test_grouped_and_line_charts_have_tables_for_their_numbers():
    grouped = grouped_bar_chart(
        "Per quarter",
        ["2025 Q1", "2025 Q2"],
        [("Starters", [6, 0]), ("Graduates", [0, 7])],
        description="d",
    )
    assert grouped.headers == ("", "Starters", "Graduates")
    assert grouped.text_rows == (("2025 Q1", "6", "0"), ("2025 Q2", "0", "7"))
    assert grouped.table_in_print
    line = line_chart(
        "Skills",
        ["Jan", "Apr"],
        [("Teamwork", [1, 3]), ("Planning", [None, 2])],
        y_labels=["Low", "Some", "Good", "High"],
        description="d",
    )
    assert line.text_rows == (("Teamwork", "Low", "Good"), ("Planning", "", "Some"))
    assert str(line.svg).count("<polyline") == 1  # one point cannot make a line


@pytest.mark.django_db
def test_figures_take_the_same_number_of_queries_at_two_sizes(
    prison, django_assert_max_num_queries
):
    def run():
        impact_figures(
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), prisons=[prison]
        )

    LearnerFactory(prison=prison)
    with django_assert_max_num_queries(16):
        run()
    LearnerFactory.create_batch(30, prison=prison)
    with django_assert_max_num_queries(16):
        run()


@pytest.mark.django_db
def test_partner_list_query_count_does_not_grow_with_runs(
    client, director, prison, other_prison, django_assert_max_num_queries
):
    client.force_login(director)

    def make(n):
        for i in range(n):
            run = ReportRun.objects.create(
                partner=Partner.MOJ,
                period_start=dt.date(2020 + i, 1, 1),
                period_end=dt.date(2020 + i, 12, 31),
                params_key=f"k{ReportRun.objects.count()}",
                requested_by=director,
            )
            run.prisons.set([prison, other_prison])

    make(1)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:partner_list")).status_code == 200
    make(10)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:partner_list")).content.decode()
    assert page.count("HMI, RSI") == 11
    make(20)
    first = client.get(reverse("reports:partner_list")).content.decode()
    assert first.count("HMI, RSI") == 25
    assert "Page 1 of 2" in first
    second = client.get(reverse("reports:partner_list"), {"page": 2}).content.decode()
    assert second.count("HMI, RSI") == 6
