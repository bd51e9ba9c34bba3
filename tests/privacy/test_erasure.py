"""Erasure: afterwards no column of any table holds the learner's name, prison
number or free text. The records are whatever exists for the learner: the route
matrix world (every app's build() adds its records to world.learner) plus a
status change, consents and timeline entries; every text field of every row
held on the learner gets a planted value, so models added later are covered."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from learners.models import Learner, StatusChange, TimelineEvent
from learners.timeline import timeline_record
from privacy.models import ErasureBasis
from privacy.records import records_held_on
from tests.factories import ConsentFactory
from tests.markers import plant_markers, tables_holding
from tests.routes import Who

pytestmark = pytest.mark.django_db


def _give_records(learner, user):
    StatusChange.objects.create(
        learner=learner,
        field="course",
        from_status="referred",
        to_status="active",
        reason="x",
        changed_by=user,
    )
    ConsentFactory(learner=learner, kind="case_study")
    timeline_record(learner=learner, kind="details", summary="x", actor=user)
    timeline_record(learner=learner, kind="intervention", summary="x", actor=user, restricted=True)


def test_after_erasure_no_table_holds_the_planted_values(world, client):
    learner = world.learner
    director = world.users[Who.DIRECTOR]
    _give_records(learner, director)
    held = records_held_on(learner)
    kinds = {row._meta.label for row in held.rows}
    assert {"learners.StatusChange", "learners.Consent", "learners.TimelineEvent"} <= kinds
    planted = plant_markers(learner, "Zqerase", prison_number="Z9876QQ")
    assert len(planted) > 6
    # Views and exports write audit events about the learner before the erasure.
    client.force_login(director)
    assert client.get(reverse("privacy:subject_access", args=[learner.pk])).status_code == 200
    assert tables_holding(planted), "the markers were not planted"

    response = client.post(
        reverse("privacy:erase", args=[learner.pk]),
        {"basis": ErasureBasis.ARTICLE_17, "prison_number": "Z9876QQ"},
    )

    assert response.status_code == 302
    assert tables_holding(planted) == {}
    assert not Learner.objects.filter(pk=learner.pk).exists()
    assert not TimelineEvent.objects.filter(learner_id=learner.pk).exists()
    erase = AuditEvent.objects.get(action="privacy.erase")
    assert (erase.learner_ref, erase.actor) == (learner.pk, director)
    assert AuditEvent.objects.filter(learner_ref=learner.pk).count() >= 2  # trail kept


def test_erasure_needs_the_prison_number_typed_again(client, director, learner):
    client.force_login(director)
    page = client.get(reverse("privacy:erase", args=[learner.pk]))
    assert "This cannot be undone" in page.content.decode()
    response = client.post(
        reverse("privacy:erase", args=[learner.pk]),
        {"basis": ErasureBasis.ARTICLE_17, "prison_number": "A0000AA"},
    )
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert Learner.objects.filter(pk=learner.pk).exists()
    assert not AuditEvent.objects.filter(action="privacy.erase").exists()


@pytest.mark.parametrize("role", ["tutor", "regional_manager", "omu", "administrator"])
def test_only_directors_can_erase(request, client, learner, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        reverse("privacy:erase", args=[learner.pk]),
        {"basis": ErasureBasis.ARTICLE_17, "prison_number": learner.prison_number},
    )
    assert response.status_code == 403
    assert Learner.objects.filter(pk=learner.pk).exists()
