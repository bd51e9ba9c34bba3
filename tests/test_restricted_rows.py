"""The one restricted-row filter (learners.restricted, issue 13 item 1): every
model that has restricted rows keeps `visible_to(access)`, and it hides exactly
those rows from roles that may not see restricted notes."""

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.access import access_for
from accounts.models import Role
from learners.models import IntakeInterview, IntakeRestricted, TimelineEvent
from learners.restricted import RestrictedQuerySet
from learners.timeline import timeline_record
from resettlement import services as resettlement_services
from resettlement.models import PlanShareLog
from reviews import services as review_services
from reviews.models import Intervention, InterventionKind

pytestmark = pytest.mark.django_db

SEE_RESTRICTED = {Role.REGIONAL_MANAGER, Role.DIRECTOR, Role.ADMINISTRATOR}


def test_every_model_with_restricted_rows_keeps_the_one_filter():
    """A model with a `restricted` flag (field or property) must say which rows are
    restricted through RestrictedQuerySet, so every selector filters it the same way."""
    flagged = [
        model
        for model in apps.get_models()
        if any(f.name == "restricted" for f in model._meta.concrete_fields)
        or isinstance(getattr(model, "restricted", None), property)
    ]
    assert TimelineEvent in flagged and Intervention in flagged
    for model in [*flagged, IntakeRestricted, PlanShareLog]:
        assert isinstance(model._default_manager.all(), RestrictedQuerySet), model


def test_intervention_restricted_flag_and_filter_agree(regional_manager, learner):
    """The row's `restricted` property and the queryset's filter name the same rows."""
    for kind in InterventionKind:
        review_services.intervention_raise(
            actor=regional_manager,
            learner=learner,
            kind=kind,
            description=kind,
            owner=regional_manager,
            due_on=timezone.localdate(),
        )
    queryset = Intervention.objects.all()
    filtered = set(queryset.filter(queryset.restricted_rows()).values_list("pk", flat=True))
    flagged = {row.pk for row in queryset if row.restricted}
    assert filtered == flagged
    assert len(flagged) == 2


@pytest.mark.parametrize("role", list(Role))
def test_visible_to_hides_restricted_rows_from_roles_without_the_right(
    role, make_user, prison, learner, regional_manager, consenting_learner
):
    today = timezone.localdate()
    for kind in (InterventionKind.SUBSTANCE_MISUSE, InterventionKind.EXTRA_TUTOR_TIME):
        review_services.intervention_raise(
            actor=regional_manager,
            learner=learner,
            kind=kind,
            description=kind,
            owner=regional_manager,
            due_on=today,
        )
    timeline_record(learner=learner, kind="details", summary="open")
    intake = IntakeInterview.objects.create(learner=learner, held_on=today)
    IntakeRestricted.objects.create(intake=intake, health_notes="secret")
    resettlement_services.plan_start(actor=regional_manager, learner=learner)
    assert PlanShareLog.objects.exists()
    access = access_for(make_user(role, [prison]))
    sees = role in SEE_RESTRICTED
    assert access.sees_restricted == sees

    kinds = set(Intervention.objects.visible_to(access).values_list("kind", flat=True))
    assert (InterventionKind.SUBSTANCE_MISUSE in kinds) == sees
    assert InterventionKind.EXTRA_TUTOR_TIME in kinds
    restricted_entries = TimelineEvent.objects.visible_to(access).filter(restricted=True)
    assert restricted_entries.exists() == sees
    assert TimelineEvent.objects.visible_to(access).filter(summary="open").exists()
    assert IntakeRestricted.objects.visible_to(access).exists() == sees
    assert PlanShareLog.objects.visible_to(access).exists() == sees


def test_visible_to_takes_an_access_not_a_user(tutor):
    with pytest.raises(TypeError):
        Intervention.objects.visible_to(tutor)
