"""The charts of the impact figures, shared by the dashboard and the partner PDF.
They draw the figures as shown (`FiguresShown`): released or exact, never a mix.
Withheld percentages are drawn as no bar and labelled "withheld"; counts shown as
"fewer than 5" or "withheld" are drawn as no bar and labelled so."""

from __future__ import annotations

from reports.charts import Bar, Chart, bar_chart, grouped_bar_chart
from reports.disclosure import FiguresShown, OutcomeGroupShown, Shown


def _drawn(value: Shown) -> int:
    return value.number if value.is_number else 0


def outcomes_chart(group: OutcomeGroupShown) -> Chart:
    bars = [Bar(line.label, line.percent, line.share) for line in group.lines]
    return bar_chart(
        f"Outcomes at the latest follow-up: {group.group}",
        bars,
        maximum=100,
        value_header="Share",
        description=(
            f"Share of {group.group} with each outcome at their latest follow-up, "
            f"out of {group.followed_up} with a follow-up recorded. "
            "Shares built on a count that is not shown are withheld."
        ),
    )


def quarters_chart(figures: FiguresShown) -> Chart:
    rows = figures.quarters
    series = [
        ("New starters", [row.starters for row in rows]),
        ("Graduates", [row.graduates for row in rows]),
        ("Releases", [row.releases for row in rows]),
    ]
    # Counts not shown as a number are drawn at zero so a picture cannot reveal them.
    return grouped_bar_chart(
        "New starters, graduates and releases per quarter",
        [row.label for row in rows],
        [(name, [_drawn(v) for v in values]) for name, values in series],
        displays=[[v.text for v in values] for _name, values in series],
        description=(
            "Number of new starters, graduates and releases in each quarter of the period. "
            + (
                "Exact counts, for use inside Code4000 only."
                if figures.exact
                else "Counts are rounded to the nearest 5; counts from 1 to 4 are shown as "
                "fewer than 5, and withheld counts are drawn as no bar."
            )
        ),
    )


def reviews_by_prison_chart(figures: FiguresShown) -> Chart | None:
    if not figures.has_reviews:
        return None
    bars = [Bar(row.prison, row.percent, row.share) for row in figures.reviews_by_prison]
    return bar_chart(
        "Progress reviews held on time, by prison",
        bars,
        maximum=100,
        value_header="Held on time",
        description=(
            "Share of progress reviews held in the period that were held on or before "
            "their due date, for each prison."
        ),
    )


def impact_charts(figures: FiguresShown) -> list[Chart]:
    charts = [outcomes_chart(group) for group in figures.outcome_groups]
    charts.append(quarters_chart(figures))
    reviews = reviews_by_prison_chart(figures)
    if reviews is not None:
        charts.append(reviews)
    return charts
