"""Server-rendered SVG charts, so the same markup can go into a PDF later.

No scripts, no style attributes (presentation attributes only, which a strict
Content-Security-Policy allows); every chart has a title and a description for
screen readers, and the page shows the same figures in a table."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from reviews.models import Confidence
from reviews.selectors import SkillSeries

BLUE = "#1d70b8"
GREY = "#b1b4b6"
DARK = "#0b0c0c"
GREEN = "#00703c"
RED = "#d4351c"

LABEL_WIDTH = 170
PLOT_WIDTH = 420
ROW_HEIGHT = 30
TOP = 46
RIGHT = 30


def _x(rating: int) -> float:
    # Level 1 at the left edge of the plot, level 4 at the right.
    return LABEL_WIDTH + (rating - 1) * PLOT_WIDTH / 3


def skills_distance_svg(series: Sequence[SkillSeries], *, chart_id: str = "skills") -> SafeString:
    """A dumbbell chart: per skill, the first rating (hollow circle) and the
    latest (filled), joined by a line showing the distance travelled."""
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT
    height = TOP + ROW_HEIGHT * len(series) + 10
    short = {1: "Not", 2: "A little", 3: "Quite", 4: "Very"}
    axis = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1"/>'
        '<text x="{0}" y="{4}" text-anchor="middle" font-size="13" fill="{5}">{6}</text>',
        (
            (
                f"{_x(level):.1f}",
                TOP - 12,
                height - 10,
                GREY,
                TOP - 20,
                DARK,
                short[level],
            )
            for level in Confidence.values
        ),
    )
    rows = []
    for index, item in enumerate(series):
        y = TOP + ROW_HEIGHT * index + ROW_HEIGHT / 2
        label = format_html(
            '<text x="0" y="{}" font-size="14" fill="{}" dominant-baseline="middle">{}</text>',
            f"{y:.1f}",
            DARK,
            item.label,
        )
        if item.first is None:
            marks = format_html(
                '<text x="{}" y="{}" font-size="13" fill="{}" dominant-baseline="middle">'
                "Not rated yet</text>",
                LABEL_WIDTH,
                f"{y:.1f}",
                DARK,
            )
        else:
            colour = GREEN if item.change > 0 else RED if item.change < 0 else BLUE
            marks = format_html(
                '<line x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="{3}" stroke-width="4"/>'
                '<circle cx="{0}" cy="{2}" r="7" fill="#ffffff" stroke="{3}" stroke-width="3">'
                "<title>First: {4}</title></circle>"
                '<circle cx="{1}" cy="{2}" r="7" fill="{3}"><title>Latest: {5}</title></circle>',
                f"{_x(item.first):.1f}",
                f"{_x(item.latest):.1f}",
                f"{y:.1f}",
                colour,
                Confidence(item.first).label,
                Confidence(item.latest).label,
            )
        rows.append(format_html("<g>{}{}</g>", label, marks))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}"'
        ' role="img" aria-labelledby="{2}-title {2}-desc" class="lj-chart"'
        ' font-family="Arial, Helvetica, sans-serif">'
        '<title id="{2}-title">Employability skills: distance travelled</title>'
        '<desc id="{2}-desc">For each of the ten skills, the first confidence rating (hollow'
        " circle) and the latest (filled circle) on a scale from not confident to very"
        " confident. The table below gives every rating.</desc>"
        "{3}{4}</svg>",
        width,
        height,
        chart_id,
        axis,
        SafeString("".join(rows)),
    )
