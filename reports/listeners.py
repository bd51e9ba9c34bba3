"""What the reports app does when learner records change: mark the prison whose
dashboard figures they feed as stale (reports/figures_store.py), in the same
transaction, so the next refresh or read works them out again.

Journey events cover the moves that change a learner's prison or status; the
records written without an event (completions, interventions, follow-ups and
their outcomes, a new or edited learner) are caught by model signals. Case studies are
withdrawn when their consent is. Registered in ReportsConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from learners import events
from learners.models import ConsentKind, Learner
from reports.figures_store import figures_mark_stale
from reports.services import case_studies_withdraw
from resettlement.models import FollowUp, Outcome, Release, SelfReport
from reviews.models import Intervention, ModuleCompletion, Review


def _prison_of(learner_id: int) -> int | None:
    return Learner.objects.filter(pk=learner_id).values_list("prison_id", flat=True).first()


def figures_stale_on_event(event: events.JourneyEvent) -> None:
    """Any journey move of a learner changes the figures of the prison they are at."""
    figures_mark_stale([_prison_of(event.learner_id)])


def figures_stale_on_transfer(event: events.LearnerTransferred) -> None:
    """A transfer moves the learner's whole history: both prisons' figures change."""
    figures_mark_stale([event.from_prison_id, event.to_prison_id])


def figures_stale_on_learner_save(sender, instance: Learner, **kwargs) -> None:
    figures_mark_stale([instance.prison_id])


def figures_stale_on_record_save(sender, instance, **kwargs) -> None:
    """A completion, review, intervention, release, follow-up or outcome saved or deleted."""
    figures_mark_stale([_prison_of(instance.learner_id)])


def case_studies_withdraw_on_consent_withdrawn(event: events.ConsentWithdrawn) -> None:
    """Case-study consent withdrawn: the learner's case studies are withdrawn and
    their authors told."""
    if event.kind == ConsentKind.CASE_STUDY:
        case_studies_withdraw(learner_id=event.learner_id, actor_id=event.actor_id)


RECORDS = (ModuleCompletion, Review, Intervention, Release, FollowUp, Outcome, SelfReport)
EVENTS = (
    events.IntakeCompleted,
    events.CourseStatusChanged,
    events.CustodyStatusChanged,
    events.ReleaseRecorded,
    events.ReturnedToCustody,
    events.ReviewCompleted,
)


def register() -> None:
    events.subscribe(events.ConsentWithdrawn, case_studies_withdraw_on_consent_withdrawn)
    for event_type in EVENTS:
        events.subscribe(event_type, figures_stale_on_event)
    events.subscribe(events.LearnerTransferred, figures_stale_on_transfer)
    for signal in (post_save, post_delete):
        signal.connect(
            figures_stale_on_learner_save, sender=Learner, dispatch_uid=f"figures-{signal}-learner"
        )
        for model in RECORDS:
            signal.connect(
                figures_stale_on_record_save,
                sender=model,
                dispatch_uid=f"figures-{signal}-{model.__name__}",
            )
