"""OMU staff set the status of the actions the prison owns (not started, in
progress, done, not needed) with a dated note; staff are warned when an action is
owned by the prison on a plan the prison cannot see (no standing consent)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from resettlement import services
from resettlement.models import (
    ActionOwner,
    ActionStatus,
    ActionUpdate,
    Pathway,
    PlanShareLog,
    ShareEvent,
)

pytestmark = pytest.mark.django_db


def _update_url(action):
    return reverse(
        "resettlement:action_update_add",
        kwargs={"pk": action.pathway.plan.learner_id, "action_pk": action.pk},
    )


def _post(client, action, **data):
    return client.post(
        _update_url(action),
        {"written_on": timezone.localdate().isoformat(), "text": "Place booked", **data},
    )


@pytest.mark.parametrize(
    "status",
    [
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        ActionStatus.NOT_NEEDED,
        ActionStatus.NOT_STARTED,
    ],
)
def test_omu_sets_the_status_of_a_prison_action_with_a_note(client, omu, prison_action, status):
    if status == ActionStatus.NOT_STARTED:
        prison_action.status = ActionStatus.IN_PROGRESS
        prison_action.save()
    client.force_login(omu)
    response = _post(client, prison_action, status=status)
    assert response.status_code == 302
    prison_action.refresh_from_db()
    assert prison_action.status == status
    update = ActionUpdate.objects.get()
    assert (update.status, update.text, update.author) == (status, "Place booked", omu)
    log = PlanShareLog.objects.get(event=ShareEvent.ACTION_UPDATED, user=omu)
    assert ActionStatus(status).label in log.what
    event = AuditEvent.objects.get(action="resettlement.action.update")
    assert event.detail["status_to"] == status
    plan_page = client.get(
        reverse("resettlement:plan", kwargs={"pk": prison_action.pathway.plan.learner_id})
    ).content.decode()
    assert f"(set to {ActionStatus(status).label.lower()})" in plan_page


def test_the_form_shows_the_four_statuses_checked_at_the_current_one(client, omu, prison_action):
    prison_action.status = ActionStatus.IN_PROGRESS
    prison_action.save()
    client.force_login(omu)
    page = client.get(_update_url(prison_action)).content.decode()
    for label in ("Not started", "In progress", "Done", "Not needed"):
        assert label in page
    assert "Cancelled" not in page
    checked = re.findall(r'value="(\w+)"\s+checked', page)
    assert checked == ["in_progress"]


def test_a_status_outside_the_four_is_refused_and_nothing_changes(client, omu, prison_action):
    client.force_login(omu)
    response = _post(client, prison_action, status=ActionStatus.CANCELLED)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    prison_action.refresh_from_db()
    assert prison_action.status == ActionStatus.NOT_STARTED
    assert not ActionUpdate.objects.exists()


def test_a_note_is_still_needed_with_a_status(client, omu, prison_action):
    client.force_login(omu)
    response = _post(client, prison_action, status=ActionStatus.DONE, text="")
    assert "Enter the update" in response.content.decode()
    prison_action.refresh_from_db()
    assert prison_action.status == ActionStatus.NOT_STARTED
    assert not ActionUpdate.objects.exists()


def test_omu_cannot_set_the_status_of_an_action_the_prison_does_not_own(
    client, omu, code4000_action
):
    client.force_login(omu)
    assert _post(client, code4000_action, status=ActionStatus.DONE).status_code == 403
    code4000_action.refresh_from_db()
    assert code4000_action.status == ActionStatus.NOT_STARTED


def test_an_update_without_a_status_leaves_the_status_as_it_is(client, omu, prison_action):
    prison_action.status = ActionStatus.IN_PROGRESS
    prison_action.save()
    client.force_login(omu)
    assert _post(client, prison_action).status_code == 302
    prison_action.refresh_from_db()
    assert prison_action.status == ActionStatus.IN_PROGRESS
    assert ActionUpdate.objects.get().status == ""


WARNING = "the plan is not shared with the prison"


def test_staff_are_warned_of_a_prison_action_on_an_unshared_plan(client, regional_manager, learner):
    plan = services.plan_start(actor=regional_manager, learner=learner)
    client.force_login(regional_manager)
    response = client.post(
        reverse(
            "resettlement:action_add",
            kwargs={"pk": learner.pk, "pathway": Pathway.ACCOMMODATION},
        ),
        {
            "description": "Book a housing appointment",
            "owner_organisation": ActionOwner.PRISON,
            "status": ActionStatus.NOT_STARTED,
        },
        follow=True,
    )
    page = response.content.decode()
    assert WARNING in page
    assert page.count('data-testid="prison-cannot-see"') == 1
    services.action_add(
        actor=regional_manager,
        pathway=plan.pathways.get(pathway=Pathway.HEALTH),
        description="See the GP",
        owner_organisation=ActionOwner.CODE4000,
    )
    plan_page = client.get(reverse("resettlement:plan", kwargs={"pk": learner.pk}))
    assert plan_page.content.decode().count('data-testid="prison-cannot-see"') == 1


def test_no_warning_when_the_plan_is_shared(client, regional_manager, prison_action):
    client.force_login(regional_manager)
    learner_pk = prison_action.pathway.plan.learner_id
    page = client.get(reverse("resettlement:plan", kwargs={"pk": learner_pk})).content.decode()
    assert WARNING not in page
