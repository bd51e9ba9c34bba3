"""One beat: each scheduled slot of a periodic task is sent once, however many
beat processes run and however often one restarts.

`SingleBeatScheduler` is django-celery-beat's database scheduler with one change:
before a crontab task (the daily sweep, the digests, retention, the nightly
refresh) is sent, the beat claims (task, scheduled minute) in the `BeatSlot`
table, and in the same transaction writes the task to the outbox. A second beat,
or a beat restarted within the minute, finds the slot taken and sends nothing;
a broker that is down loses nothing, since the outbox relays the task when it
answers. Interval tasks (the outbox relay every minute) are sent as usual: they
are safe to run twice and claiming them would only add rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from celery.schedules import crontab
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

# How far back to look for the crontab minute a due entry belongs to.
SLOT_LOOKBACK = dt.timedelta(days=8)
SLOTS_KEPT = dt.timedelta(days=60)


def crontab_slot(schedule: crontab, now: dt.datetime) -> dt.datetime:
    """The latest minute at or before `now` that `schedule` fires on, in UTC. Two
    beats deciding the same run is due get the same slot, even if one ticks a
    second after the minute turned."""
    tz = getattr(schedule, "tz", None) or timezone.get_current_timezone()
    moment = now.astimezone(tz).replace(second=0, microsecond=0)
    earliest = moment - SLOT_LOOKBACK
    while moment > earliest:
        if (
            moment.minute in schedule.minute
            and moment.hour in schedule.hour
            and moment.isoweekday() % 7 in schedule.day_of_week
            and moment.day in schedule.day_of_month
            and moment.month in schedule.month_of_year
        ):
            return moment.astimezone(dt.UTC)
        moment -= dt.timedelta(minutes=1)
    return now.astimezone(dt.UTC).replace(second=0, microsecond=0)


def slot_claim_and_enqueue(*, task_name: str, slot: dt.datetime, args, kwargs) -> bool:
    """Claim the slot and write the task to the outbox, in one transaction.
    False (and nothing written) when the slot was claimed already."""
    from notifications import outbox
    from notifications.models import BeatSlot

    try:
        with transaction.atomic():
            BeatSlot.objects.create(
                task_name=task_name,
                slot=slot,
                claimed_by=f"{socket.gethostname()}:{os.getpid()}",
            )
            outbox.enqueue(task_name, *(args or ()), **(kwargs or {}))
    except IntegrityError:
        return False
    return True


class SingleBeatScheduler(DatabaseScheduler):
    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        if not isinstance(entry.schedule, crontab):
            return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        entry = self.reserve(entry) if advance else entry
        slot = crontab_slot(entry.schedule, timezone.now())
        if slot_claim_and_enqueue(
            task_name=entry.task, slot=slot, args=entry.args, kwargs=entry.kwargs
        ):
            logger.info("Beat claimed %s for %s and queued it", entry.task, slot.isoformat())
        else:
            logger.info("Beat skipped %s for %s: already sent", entry.task, slot.isoformat())
        return None
