"""Late entries: work recorded more than a day after it happened.

A review held on Monday and typed in on Thursday must say so wherever its date is
shown, so nobody reads Thursday as the day it happened. One rule, used by the
learner timeline (TimelineEvent.occurred_at against recorded_at) and the audit
trail (the day it happened, kept in the event's detail, against the event's own
time): `{% recorded_late %}` (audit/templatetags/late_entries.py) shows the
"recorded on ... by ..." note beside the date in both."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# Recorded on the day after is not late; two days after is.
LATE_AFTER_DAYS = 1
# The key in AuditEvent.detail that holds the day a late change happened.
HAPPENED_ON = "happened_on"


def day_of(value: dt.date | dt.datetime | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def is_late(
    happened: dt.date | dt.datetime | str | None, recorded: dt.date | dt.datetime | str | None
) -> bool:
    """Whether something that happened on `happened` and was recorded at `recorded`
    was recorded more than a day after it happened."""
    happened_day, recorded_day = day_of(happened), day_of(recorded)
    if happened_day is None or recorded_day is None:
        return False
    return (recorded_day - happened_day).days > LATE_AFTER_DAYS


def late_detail(happened: dt.date | dt.datetime | None) -> dict[str, str]:
    """Audit detail for a change recorded now about something that happened on
    `happened`: the day, when it is late; nothing otherwise."""
    if happened is None or not is_late(happened, timezone.now()):
        return {}
    return {HAPPENED_ON: day_of(happened).isoformat()}


def happened_at(day: dt.date) -> dt.datetime:
    """When a record dated `day` (a date without a time) goes on the timeline:
    now if it is today, midday of that day otherwise."""
    now = timezone.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
