"""`{% recorded_late happened recorded by %}`: the "recorded on ... by ..." note
shown beside the date of anything recorded more than a day after it happened
(audit.late_entries). Every timeline entry and audit row uses this one tag."""

from __future__ import annotations

import datetime as dt

from django import template

from audit.late_entries import day_of, is_late

register = template.Library()


@register.inclusion_tag("includes/recorded_late.html")
def recorded_late(
    happened: dt.date | dt.datetime | str | None,
    recorded: dt.date | dt.datetime | str | None,
    by: str = "",
) -> dict[str, object]:
    late = is_late(happened, recorded)
    return {
        "late": late,
        "happened_on": day_of(happened) if late else None,
        "recorded": recorded if late else None,
        "by": by,
    }
