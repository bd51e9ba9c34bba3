"""Journey events: how one app tells the others that something happened to a learner.

The learners app must not import the apps that react to its changes (reviews,
resettlement, notifications), so its services *publish* a small frozen event and
those apps *listen*. Services of the later apps publish too (a release, a review
held), and other apps listen to them the same way. This module imports no other
app: every app may import it.

* A service publishes inside its own transaction; every listener runs there and
  then, synchronously, so a failing listener rolls the whole change back.
  Celery work a listener sets going is still queued `on_commit`.
* Listeners are registered in their app's `AppConfig.ready()`, do one thing each
  and are named for it (`schedule_refresh_on_transfer`).

The table of who publishes each event and who listens is in `docs/journey.md`;
`listeners_of(Event)` answers the same question at run time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JourneyEvent:
    learner_id: int
    actor_id: int | None


@dataclass(frozen=True)
class IntakeCompleted(JourneyEvent):
    """The first save of the intake interview: the learner is active, the review
    clock starts. Published by learners.services.intake_save."""

    held_on: dt.date


@dataclass(frozen=True)
class IntakeEdited(JourneyEvent):
    """A later edit of the intake interview. Published by learners.services.intake_save."""


@dataclass(frozen=True)
class ConsentChanged(JourneyEvent):
    """A consent given or withdrawn (kind is a ConsentKind value)."""

    kind: str
    given: bool


@dataclass(frozen=True)
class ConsentWithdrawn(JourneyEvent):
    """A consent withdrawn (kind is a ConsentKind value), on the day the learner
    withdrew it. Published by learners.services.consent_withdraw, after
    ConsentChanged; a case study listens for its kind to stop using the learner."""

    kind: str
    on: dt.date


@dataclass(frozen=True)
class CourseStatusChanged(JourneyEvent):
    from_status: str
    to_status: str


@dataclass(frozen=True)
class CustodyStatusChanged(JourneyEvent):
    from_status: str
    to_status: str


@dataclass(frozen=True)
class ReleaseDateChanged(JourneyEvent):
    old: dt.date | None
    new: dt.date | None


@dataclass(frozen=True)
class LearnerTransferred(JourneyEvent):
    from_prison_id: int
    to_prison_id: int
    on: dt.date


@dataclass(frozen=True)
class RegionalManagerAssigned(JourneyEvent):
    """A regional manager took on a learner who had none (after a transfer)."""

    manager_id: int


@dataclass(frozen=True)
class RegionalManagerChanged(JourneyEvent):
    """Someone else became the learner's regional manager (from the learner page)."""

    from_manager_id: int | None
    to_manager_id: int


@dataclass(frozen=True)
class TutorHandedOn(JourneyEvent):
    """A departing tutor's learner, or their open interventions on the learner,
    went to another tutor (configuration.services.tutor_hand_on)."""

    from_tutor_id: int
    to_tutor_id: int


@dataclass(frozen=True)
class ReleaseRecorded(JourneyEvent):
    release_id: int
    on: dt.date


@dataclass(frozen=True)
class ReturnedToCustody(JourneyEvent):
    release_id: int
    on: dt.date


@dataclass(frozen=True)
class SelfReportConfirmed(JourneyEvent):
    """A regional manager recorded a follow-up the learner had reported through
    their link (issue 18). Published by resettlement.services.follow_up_record."""

    follow_up_id: int


@dataclass(frozen=True)
class ReviewCompleted(JourneyEvent):
    review_id: int
    held_on: dt.date
    pre_release: bool


@dataclass(frozen=True)
class ReviewScheduleChanged(JourneyEvent):
    """The stored next-review date moved (or was cleared). Published by
    reviews.services.schedule_refresh whenever the date it stores changes."""

    old: dt.date | None
    new: dt.date | None


Listener = Callable[[JourneyEvent], None]
_listeners: dict[type[JourneyEvent], list[Listener]] = defaultdict(list)


def subscribe(event_type: type[JourneyEvent], listener: Listener) -> None:
    """Register a listener (from an AppConfig.ready()). Registering twice is a no-op."""
    if listener not in _listeners[event_type]:
        _listeners[event_type].append(listener)


def listeners_of(event_type: type[JourneyEvent]) -> list[Listener]:
    return list(_listeners[event_type])


def publish(event: JourneyEvent) -> None:
    """Run every listener of the event now, in the publisher's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{type(event).__name__} must be published inside a transaction.")
    for listener in _listeners[type(event)]:
        logger.debug("%s -> %s", type(event).__name__, listener.__qualname__)
        listener(event)
