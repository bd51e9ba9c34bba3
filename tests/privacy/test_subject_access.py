"""Subject access: everything held on a learner, as JSON and as a page, found by
walking the models, audited, for directors only."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from learners.timeline import timeline_record
from tests.markers import plant_markers
from tests.routes import Who

pytestmark = pytest.mark.django_db


def test_the_json_export_holds_every_planted_value_and_the_audit_trail(world, client):
    learner = world.learner
    director = world.users[Who.DIRECTOR]
    timeline_record(learner=learner, kind="intervention", summary="x", restricted=True)
    planted = plant_markers(learner, "Zqsar", prison_number="Z1234SA")
    client.force_login(director)
    response = client.get(reverse("privacy:subject_access_json", args=[learner.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    bundle = json.loads(text)
    missing = [value for value in planted if value.lower() not in text.lower()]
    assert missing == []
    assert bundle["learner"]["prison number"] == "Z1234SA"
    assert any("timeline" in kind.lower() for kind in bundle["records"])
    event = AuditEvent.objects.get(action="privacy.subject_access")
    assert (event.learner_ref, event.detail, event.actor) == (
        learner.pk,
        {"format": "json"},
        director,
    )


def test_the_readable_export_shows_every_planted_value(world, client):
    learner = world.learner
    planted = plant_markers(learner, "Zqhtml", prison_number="Z1234HT")
    client.force_login(world.users[Who.DIRECTOR])
    response = client.get(reverse("privacy:subject_access", args=[learner.pk]))
    html = response.content.decode().lower()
    assert [value for value in planted if value.lower() not in html] == []
    assert AuditEvent.objects.filter(
        action="privacy.subject_access", learner_ref=learner.pk, detail={"format": "html"}
    ).exists()


def test_the_export_includes_earlier_views_from_the_audit_trail(client, director, learner):
    from audit.services import audit_record

    audit_record(actor=director, action="learner.view", obj=learner, learner_id=learner.pk)
    client.force_login(director)
    bundle = client.get(reverse("privacy:subject_access_json", args=[learner.pk])).json()
    assert [e["action"] for e in bundle["audit_trail"]] == ["learner.view"]
    assert bundle["audit_trail"][0]["who"] == director.email


@pytest.mark.parametrize("role", ["tutor", "regional_manager", "omu", "administrator"])
def test_other_roles_cannot_export(request, client, learner, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("privacy:subject_access_json", args=[learner.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="privacy.subject_access").exists()
