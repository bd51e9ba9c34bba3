"""What the reviews app does when it hears a journey event (learners.events).
Registered in ReviewsConfig.ready(); each runs in the publisher's transaction."""

from __future__ import annotations

from django.db.models import Q

from accounts.access import ROLES_SEEING_EVERY_PRISON
from accounts.models import User
from learners import events
from learners.models import CourseStatus, Learner
from reviews.models import Intervention, InterventionStatus
from reviews.services import graduate_if_complete, schedule_refresh_for


def schedule_refresh_on_intake(event: events.IntakeCompleted | events.IntakeEdited) -> None:
    """The intake date starts the review clock."""
    schedule_refresh_for(event.learner_id)


def schedule_refresh_on_status_change(
    event: events.CourseStatusChanged | events.CustodyStatusChanged,
) -> None:
    """Graduation, withdrawal and release stop the clock; a return restarts it."""
    schedule_refresh_for(event.learner_id)


def schedule_refresh_on_release_date_change(event: events.ReleaseDateChanged) -> None:
    """A new expected release date moves (or drops) the pre-release review."""
    schedule_refresh_for(event.learner_id)


def graduate_on_return_to_course(event: events.CourseStatusChanged) -> None:
    """A learner who completed the last required module while paused graduates
    when they are active again."""
    if event.to_status != CourseStatus.ACTIVE:
        return
    learner = Learner.objects.select_for_update().get(pk=event.learner_id)
    actor = User.objects.filter(pk=event.actor_id).first() if event.actor_id else None
    graduate_if_complete(actor=actor, learner=learner)


def _interventions_hand_over(learner_id: int) -> None:
    learner = Learner.objects.get(pk=learner_id)
    if learner.regional_manager_id is None:
        return  # nobody to hand to yet: the "needs a regional manager" list shows them
    Intervention.objects.filter(learner_id=learner.pk, status=InterventionStatus.OPEN).exclude(
        Q(owner__prisons=learner.prison_id) | Q(owner__role__in=ROLES_SEEING_EVERY_PRISON)
    ).update(owner_id=learner.regional_manager_id)


def interventions_hand_over_on_transfer(event: events.LearnerTransferred) -> None:
    """Open interventions owned by someone who does not cover the new prison move to
    the learner's regional manager there (when the learner has one)."""
    _interventions_hand_over(event.learner_id)


def interventions_hand_over_on_take_on(event: events.RegionalManagerAssigned) -> None:
    """The same, when a regional manager takes on a learner who had none."""
    _interventions_hand_over(event.learner_id)


def interventions_hand_over_on_manager_change(event: events.RegionalManagerChanged) -> None:
    """The same when the regional manager changes: open interventions owned by
    someone who no longer covers the learner's prison go to the new one."""
    _interventions_hand_over(event.learner_id)


def register() -> None:
    events.subscribe(events.IntakeCompleted, schedule_refresh_on_intake)
    events.subscribe(events.IntakeEdited, schedule_refresh_on_intake)
    events.subscribe(events.CourseStatusChanged, schedule_refresh_on_status_change)
    events.subscribe(events.CourseStatusChanged, graduate_on_return_to_course)
    events.subscribe(events.CustodyStatusChanged, schedule_refresh_on_status_change)
    events.subscribe(events.ReleaseDateChanged, schedule_refresh_on_release_date_change)
    events.subscribe(events.LearnerTransferred, interventions_hand_over_on_transfer)
    events.subscribe(events.RegionalManagerAssigned, interventions_hand_over_on_take_on)
    events.subscribe(events.RegionalManagerChanged, interventions_hand_over_on_manager_change)
