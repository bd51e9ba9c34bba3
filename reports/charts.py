"""Charts drawn on the server as SVG, for the dashboard and the PDFs.

No script, no style attributes: geometry and colour are SVG presentation
attributes. Every chart carries a <title> and <desc> (read by screen readers via
`aria-labelledby`) and a `text_rows` list the page shows as a table, so the
figures are there for anyone who cannot see the picture. Labels are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK colours that keep 3:1 contrast against white.
PALETTE = ("#1d70b8", "#00703c", "#d4351c", "#4c2c92", "#f47738", "#28a197")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: withheld or not applicable, drawn as no bar
    display: str  # what the label at the end of the bar says, e.g. "30%" or "withheld"


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: SafeString
    headers: tuple[str, ...]
    text_rows: tuple[tuple[str, ...], ...]
    # Whether a printed report shows the table under the chart (when the picture
    # itself does not carry the numbers, as grouped bars do not).
    table_in_print: bool = False


def _open(width: int, height: int, title: str, description: str, chart_id: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lj-chart" role="img" '
        f'width="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    description: str,
    maximum: float | None = None,
    value_header: str = "Value",
    width: int = 640,
) -> Chart:
    """Horizontal bars, one per row, with the value written at the end of each."""
    chart_id = f"lj-chart-{next(_ids)}"
    label_width, value_width, row_height, top = 250, 90, 28, 8
    plot_width = width - label_width - value_width
    height = top * 2 + row_height * max(len(bars), 1)
    top_value = maximum or max((bar.value or 0 for bar in bars), default=0) or 1
    parts = _open(width, height, title, description, chart_id)
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" '
        f'y2="{height - top}" stroke="{GRID}" stroke-width="1"/>'
    )
    for index, bar in enumerate(bars):
        y = top + index * row_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" font-size="13" '
            f'fill="{TEXT}" font-family="Liberation Sans, Arial, sans-serif">'
            f"{escape(bar.label)}</text>"
        )
        length = 0.0
        if bar.value:
            length = max(plot_width * min(bar.value / top_value, 1.0), 2.0)
            parts.append(
                f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" height="18" '
                f'fill="{PALETTE[0]}"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 18}" font-size="13" '
            f'fill="{TEXT}" font-family="Liberation Sans, Arial, sans-serif">'
            f"{escape(bar.display)}</text>"
        )
    parts.append("</svg>")
    return Chart(
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # noqa: S308 - every text above is escaped
        headers=("", value_header),
        text_rows=tuple((bar.label, bar.display) for bar in bars),
    )


def grouped_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    description: str,
    displays: Sequence[Sequence[str]] | None = None,
    width: int = 640,
    height: int = 260,
) -> Chart:
    """Vertical bars grouped by category (e.g. quarters), one colour per series,
    with a legend. `displays` gives the text per value (default: the number)."""
    chart_id = f"lj-chart-{next(_ids)}"
    left, bottom, top, legend_height = 40, 40, 10, 24
    plot_height = height - bottom - top - legend_height
    plot_width = width - left - 10
    top_value = max((v for _name, values in series for v in values), default=0) or 1
    group_width = plot_width / max(len(categories), 1)
    bar_width = max(min(group_width * 0.8 / max(len(series), 1), 40), 2)
    base_y = top + legend_height + plot_height
    parts = _open(width, height, title, description, chart_id)
    for index, (name, _values) in enumerate(series):
        x = left + index * 170
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{top}" width="14" height="14" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 20}" y="{top + 12}" font-size="13" fill="{TEXT}" '
            f'font-family="Liberation Sans, Arial, sans-serif">{escape(name)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{base_y}" x2="{width - 10}" y2="{base_y}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    for c_index, category in enumerate(categories):
        group_x = left + c_index * group_width + group_width * 0.1
        for s_index, (_name, values) in enumerate(series):
            value = values[c_index]
            bar_height = plot_height * value / top_value
            x = group_x + s_index * bar_width
            parts.append(
                f'<rect x="{x:.1f}" y="{base_y - bar_height:.1f}" width="{bar_width - 2:.1f}" '
                f'height="{bar_height:.1f}" fill="{PALETTE[s_index % len(PALETTE)]}"/>'
            )
        parts.append(
            f'<text x="{left + c_index * group_width + group_width / 2:.1f}" '
            f'y="{base_y + 18}" text-anchor="middle" font-size="12" fill="{TEXT}" '
            f'font-family="Liberation Sans, Arial, sans-serif">{escape(category)}</text>'
        )
    parts.append("</svg>")
    if displays is None:
        displays = [[f"{v:,}" for v in values] for _name, values in series]
    rows = tuple(
        (category, *(displays[s][c] for s in range(len(series))))
        for c, category in enumerate(categories)
    )
    return Chart(
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # noqa: S308 - every text above is escaped
        headers=("", *(name for name, _values in series)),
        text_rows=rows,
        table_in_print=True,
    )


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    description: str,
    y_labels: Sequence[str],
    width: int = 640,
    height: int = 280,
) -> Chart:
    """Lines over x (e.g. skill ratings at each review) on a small ordinal y scale
    (1..len(y_labels)); a missing value breaks the line."""
    chart_id = f"lj-chart-{next(_ids)}"
    left, right, top, bottom = 130, 45, 10, 40
    legend_rows = (len(series) + 2) // 3
    legend_height = legend_rows * 20 + 6
    plot_top = top + legend_height
    plot_height = height - plot_top - bottom
    plot_width = width - left - right
    steps = max(len(x_labels) - 1, 1)
    levels = len(y_labels)

    def point(i: int, value: int) -> tuple[float, float]:
        x = left + plot_width * i / steps
        y = plot_top + plot_height * (levels - value) / max(levels - 1, 1)
        return x, y

    parts = _open(width, height, title, description, chart_id)
    for level, label in enumerate(y_labels, start=1):
        _x, y = point(0, level)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}" font-family="Liberation Sans, Arial, sans-serif">'
            f"{escape(label)}</text>"
        )
    for i, label in enumerate(x_labels):
        x, _y = point(i, 1)
        parts.append(
            f'<text x="{x:.1f}" y="{plot_top + plot_height + 20}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT}" font-family="Liberation Sans, Arial, sans-serif">'
            f"{escape(label)}</text>"
        )
    for s_index, (name, values) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        lx = 10 + (s_index % 3) * 210
        ly = top + (s_index // 3) * 20
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{lx + 18}" y="{ly + 11}" font-size="12" fill="{TEXT}" '
            f'font-family="Liberation Sans, Arial, sans-serif">{escape(name)}</text>'
        )
        points = [point(i, v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    parts.append("</svg>")
    rows = tuple(
        (name, *("" if v is None else y_labels[v - 1] for v in values)) for name, values in series
    )
    return Chart(
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # noqa: S308 - every text above is escaped
        headers=("", *x_labels),
        text_rows=rows,
    )
