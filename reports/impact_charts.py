"""The charts of the impact figures, shared by the dashboard and the partner PDF.
Withheld percentages are drawn as no bar and labelled "withheld"."""

from __future__ import annotations

from reports.charts import Bar, Chart, bar_chart, grouped_bar_chart
from reports.figures import ImpactFigures, OutcomeShares, suppressed


def _public_number(value: int) -> str:
    return "fewer than 5" if suppressed(value) else f"{value:,}"


def outcomes_chart(group: OutcomeShares) -> Chart:
    bars = [Bar(line.label, line.share.percent, line.share.public) for line in group.lines]
    return bar_chart(
        f"Outcomes at the latest follow-up: {group.group}",
        bars,
        maximum=100,
        value_header="Share",
        description=(
            f"Share of {group.group} with each outcome at their latest follow-up, "
            f"out of {group.followed_up.public} with a follow-up recorded. "
            "Shares built on fewer than 5 people are withheld."
        ),
    )


def quarters_chart(figures: ImpactFigures) -> Chart:
    rows = figures.starters_graduates_releases_by_quarter
    series = [
        ("New starters", [row.starters for row in rows]),
        ("Graduates", [row.graduates for row in rows]),
        ("Releases", [row.releases for row in rows]),
    ]
    # The bars for small numbers are drawn at zero so a picture cannot reveal them.
    drawn = [(name, [0 if suppressed(v) else v for v in values]) for name, values in series]
    return grouped_bar_chart(
        "New starters, graduates and releases per quarter",
        [row.label for row in rows],
        drawn,
        displays=[[_public_number(v) for v in values] for _name, values in series],
        description=(
            "Number of new starters, graduates and releases in each quarter of the period. "
            "Counts from 1 to 4 are shown as fewer than 5 and drawn as no bar."
        ),
    )


def reviews_by_prison_chart(figures: ImpactFigures) -> Chart | None:
    if figures.reviews_held is None:
        return None
    bars = [
        Bar(row.prison, row.on_time.percent, row.on_time.public)
        for row in figures.reviews_on_time_by_prison
    ]
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


def impact_charts(figures: ImpactFigures) -> list[Chart]:
    charts = [
        outcomes_chart(figures.released_graduates),
        outcomes_chart(figures.all_released),
        quarters_chart(figures),
    ]
    reviews = reviews_by_prison_chart(figures)
    if reviews is not None:
        charts.append(reviews)
    return charts
