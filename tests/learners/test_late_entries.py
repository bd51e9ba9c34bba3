"""Late entries (issue 17 item 5): anything recorded more than a day after it
happened says "recorded on ... by ..." beside its date, on the timeline and in the
audit trail, through the one rule in audit.late_entries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.late_entries import is_late
from audit.models import AuditEvent
from learners.models import TimelineEvent, TimelineKind
from resettlement.services import release_record
from reviews.models import PauseReason
from reviews.services import pause_start

pytestmark = pytest.mark.django_db


def test_more_than_a_day_after_is_late_the_next_day_is_not():
    monday = dt.date(2026, 11, 30)
    assert not is_late(monday, monday)
    assert not is_late(monday, dt.date(2026, 12, 1))
    assert is_late(monday, dt.date(2026, 12, 2))
    assert is_late(monday.isoformat(), dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC))
    assert not is_late(None, dt.date(2026, 12, 2))


def _pause(regional_manager, learner, days_ago: int):
    return pause_start(
        actor=regional_manager,
        learner=learner,
        reason=PauseReason.LOCKDOWN,
        started_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def test_a_pause_recorded_days_later_says_so_on_the_timeline_and_in_the_trail(
    client, regional_manager, director, learner
):
    _pause(regional_manager, learner, days_ago=5)
    started = timezone.localdate() - dt.timedelta(days=5)
    entry = TimelineEvent.objects.get(learner=learner, kind=TimelineKind.PAUSE)
    assert timezone.localdate(entry.occurred_at) == started
    assert entry.recorded_late

    client.force_login(regional_manager)
    page = client.get(reverse("learners:timeline", kwargs={"pk": learner.pk})).content.decode()
    note = (
        f'Happened on <time datetime="{started.isoformat()}">{started.day} '
        f"{started:%B %Y}</time>; recorded on {timezone.localdate().day} "
        f"{timezone.localdate():%B %Y} by {regional_manager.full_name}"
    )
    assert note in page

    event = AuditEvent.objects.get(action="review_pause.start")
    assert event.detail["happened_on"] == started.isoformat()
    client.force_login(director)
    trail = client.get(reverse("audit:list")).content.decode()
    assert f'Happened on <time datetime="{started.isoformat()}">' in trail
    assert f"by {regional_manager.email}" in trail


def test_work_recorded_the_next_day_reads_as_on_time(client, regional_manager, learner):
    _pause(regional_manager, learner, days_ago=1)
    assert not TimelineEvent.objects.get(learner=learner, kind=TimelineKind.PAUSE).recorded_late
    assert "happened_on" not in AuditEvent.objects.get(action="review_pause.start").detail
    client.force_login(regional_manager)
    page = client.get(reverse("learners:timeline", kwargs={"pk": learner.pk})).content.decode()
    assert 'data-testid="recorded-late"' not in page


def test_a_release_recorded_days_later_goes_on_the_timeline_on_its_day(regional_manager, learner):
    released_on = timezone.localdate() - dt.timedelta(days=4)
    release_record(
        actor=regional_manager,
        learner=learner,
        released_on=released_on,
        release_type="licence",
        area="Leeds",
    )
    entry = TimelineEvent.objects.get(learner=learner, kind=TimelineKind.RELEASE)
    assert timezone.localdate(entry.occurred_at) == released_on
    assert entry.recorded_late
    event = AuditEvent.objects.get(action=Action.RELEASE_RECORD)
    assert event.detail["happened_on"] == released_on.isoformat()
