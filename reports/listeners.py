"""How reports reacts to the journey (learners/events.py)."""

from learners import events
from learners.models import ConsentKind
from reports.services import case_studies_withdraw


def case_studies_withdraw_on_consent_withdrawn(event: events.ConsentWithdrawn) -> None:
    """Case-study consent withdrawn: the learner's case studies are withdrawn and
    their authors told."""
    if event.kind == ConsentKind.CASE_STUDY:
        case_studies_withdraw(learner_id=event.learner_id, actor_id=event.actor_id)


def register() -> None:
    events.subscribe(events.ConsentWithdrawn, case_studies_withdraw_on_consent_withdrawn)
