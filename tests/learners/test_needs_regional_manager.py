"""The "needs a regional manager" list (issue 12): a transfer to a prison without
exactly one regional manager leaves the learner with none, and the prison's
regional managers see them there and take them on."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from learners.services import learner_transfer
from reviews.models import InterventionKind
from reviews.services import intervention_raise
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
URL = reverse("learners:needs_regional_manager")


def test_a_learner_transferred_to_a_prison_with_two_managers_waits_to_be_taken_on(
    client, regional_manager, tutor, make_user, prison, other_prison
):
    first, second = (make_user(Role.REGIONAL_MANAGER, [other_prison]) for _ in range(2))
    learner = LearnerFactory(prison=prison, regional_manager=regional_manager)
    intervention = intervention_raise(
        actor=tutor,
        learner=learner,
        kind=InterventionKind.EXTRA_TUTOR_TIME,
        description="Extra time",
        owner=tutor,
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    learner_transfer(
        actor=regional_manager,
        learner=learner,
        to_prison=other_prison,
        transferred_on=timezone.localdate(),
        reason="Moved",
    )
    learner.refresh_from_db()
    assert learner.regional_manager is None

    client.force_login(regional_manager)  # the old prison's: no longer sees them
    assert learner.display_name not in client.get(URL).content.decode()
    client.force_login(tutor)
    assert client.get(URL).status_code == 403

    client.force_login(second)
    page = client.get(URL).content.decode()
    assert learner.display_name in page
    response = client.post(URL, {"learner": learner.pk})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.regional_manager == second
    intervention.refresh_from_db()
    assert intervention.owner == second  # the old tutor cannot see the learner now
    assert AuditEvent.objects.filter(action="learner.regional_manager_take_on").count() == 1
    assert f'value="{learner.pk}"' not in client.get(URL).content.decode()

    # Too late for the other one: a clear message, and nothing changes.
    client.force_login(first)
    refused = client.post(URL, {"learner": learner.pk})
    assert refused.status_code == 200
    assert "That learner no longer needs a regional manager" in refused.content.decode()
    learner.refresh_from_db()
    assert learner.regional_manager == second


def test_a_learner_of_another_prison_cannot_be_taken_on(client, regional_manager, other_prison):
    elsewhere = LearnerFactory(prison=other_prison)
    client.force_login(regional_manager)
    response = client.post(URL, {"learner": elsewhere.pk})
    assert response.status_code == 200
    assert "That learner no longer needs a regional manager" in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.regional_manager is None
