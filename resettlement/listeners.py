"""What the resettlement app does when it hears a journey event (learners.events).
Registered in ResettlementConfig.ready(); each runs in the publisher's transaction."""

from __future__ import annotations

from accounts.models import User
from learners import events
from learners.models import ConsentKind, Learner
from resettlement.services import plan_share_record, plan_start


def _actor(event: events.JourneyEvent) -> User | None:
    return User.objects.filter(pk=event.actor_id).first() if event.actor_id else None


def plan_start_on_intake(event: events.IntakeCompleted) -> None:
    """The resettlement plan starts at intake (shared at once if the learner consented)."""
    plan_start(actor=_actor(event), learner=Learner.objects.get(pk=event.learner_id))


def plan_share_on_consent(event: events.ConsentChanged) -> None:
    """Consent to share with the OMU given: log the share of the plan, if there is one."""
    if event.kind == ConsentKind.SHARE_WITH_OMU and event.given:
        plan_share_record(actor=_actor(event), learner=Learner.objects.get(pk=event.learner_id))


def register() -> None:
    events.subscribe(events.IntakeCompleted, plan_start_on_intake)
    events.subscribe(events.ConsentChanged, plan_share_on_consent)
