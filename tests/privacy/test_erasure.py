"""Erasure takes two people: a director asks with a reason, another director or
the administrator approves; the person who asked cannot. Afterwards no column of
any table holds the learner's name, prison number or free text. The records are
whatever exists for the learner: the route matrix world (every app's build()
adds its records to world.learner) plus a status change, consents and timeline
entries; every text field of every row held on the learner gets a planted
value, so models added later are covered."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from learners.models import Learner, StatusChange, TimelineEvent
from learners.timeline import timeline_record
from privacy.models import ErasureBasis, ErasureRequest, ErasureStatus
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


def _ask(client, director, learner, prison_number=None, reason="The learner asked in writing."):
    client.force_login(director)
    return client.post(
        reverse("privacy:erase", args=[learner.pk]),
        {
            "basis": ErasureBasis.ARTICLE_17,
            "reason": reason,
            "prison_number": prison_number or learner.prison_number,
        },
    )


def _decide(client, user, erasure, decision="approve", prison_number=None):
    client.force_login(user)
    return client.post(
        reverse("privacy:erasure_decide", args=[erasure.pk]),
        {"decision": decision, "prison_number": prison_number or erasure.learner.prison_number},
    )


@pytest.fixture
def second_director(make_user):
    return make_user(Role.DIRECTOR, full_name="Dev Second")


def test_after_erasure_no_table_holds_the_planted_values(world, client):
    learner = world.learner
    director = world.users[Who.DIRECTOR]
    administrator = world.users[Who.ADMIN]
    _give_records(learner, director)
    planted = plant_markers(learner, "Zqerase", prison_number="Z9876QQ")
    # Views and exports write audit events about the learner before the erasure.
    client.force_login(director)
    assert client.get(reverse("privacy:subject_access", args=[learner.pk])).status_code == 200
    asked = _ask(client, director, learner, "Z9876QQ", reason="Zqerasereason in the request")
    assert asked.status_code == 302
    planted.append("Zqerasereason")
    held = records_held_on(learner)
    kinds = {row._meta.label for row in held.rows}
    assert {
        "learners.StatusChange",
        "learners.Consent",
        "learners.TimelineEvent",
        "privacy.ErasureRequest",
    } <= kinds
    assert tables_holding(planted), "the markers were not planted"
    assert Learner.objects.filter(pk=learner.pk).exists()  # asking erases nothing

    erasure = ErasureRequest.objects.get(learner=learner)
    response = _decide(client, administrator, erasure)

    assert response.status_code == 302
    assert tables_holding(planted) == {}
    assert not Learner.objects.filter(pk=learner.pk).exists()
    assert not TimelineEvent.objects.filter(learner_id=learner.pk).exists()
    assert not ErasureRequest.objects.filter(pk=erasure.pk).exists()
    asked_event = AuditEvent.objects.get(action="privacy.erase_request")
    assert (asked_event.learner_ref, asked_event.actor) == (learner.pk, director)
    assert asked_event.detail == {"basis": ErasureBasis.ARTICLE_17}  # never the reason typed
    erase = AuditEvent.objects.get(action="privacy.erase")
    assert (erase.learner_ref, erase.actor) == (learner.pk, administrator)
    assert erase.detail["requested_by"] == director.pk
    assert AuditEvent.objects.filter(learner_ref=learner.pk).count() >= 3  # trail kept


def test_a_second_director_can_approve(client, director, second_director, learner):
    assert _ask(client, director, learner).status_code == 302
    erasure = ErasureRequest.objects.get()
    response = _decide(client, second_director, erasure)
    assert response.status_code == 302
    assert not Learner.objects.filter(pk=learner.pk).exists()
    assert AuditEvent.objects.get(action="privacy.erase").actor == second_director


def test_the_person_who_asked_cannot_approve(client, director, learner):
    assert _ask(client, director, learner).status_code == 302
    erasure = ErasureRequest.objects.get()
    assert erasure.status == ErasureStatus.PENDING and erasure.requested_by == director
    page = client.get(reverse("privacy:erasure_decide", args=[erasure.pk]))
    assert page.status_code == 403
    response = _decide(client, director, erasure)
    assert response.status_code == 403
    assert Learner.objects.filter(pk=learner.pk).exists()
    assert not AuditEvent.objects.filter(action="privacy.erase").exists()
    # The list says so instead of offering the link.
    listing = client.get(reverse("privacy:erasure_requests")).content.decode()
    assert "Another person must decide" in listing


def test_the_service_refuses_the_person_who_asked(director, learner):
    from django.core.exceptions import PermissionDenied

    from privacy.services import erasure_approve, erasure_request

    erasure = erasure_request(
        actor=director, learner=learner, basis=ErasureBasis.ERROR, reason="Twice"
    )
    with pytest.raises(PermissionDenied):
        erasure_approve(actor=director, request=erasure)
    assert Learner.objects.filter(pk=learner.pk).exists()


def test_declining_erases_nothing_and_is_audited(client, director, administrator, learner):
    assert _ask(client, director, learner).status_code == 302
    erasure = ErasureRequest.objects.get()
    response = _decide(client, administrator, erasure, decision="decline")
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert (erasure.status, erasure.decided_by) == (ErasureStatus.DECLINED, administrator)
    assert Learner.objects.filter(pk=learner.pk).exists()
    assert AuditEvent.objects.get(action="privacy.erase_decline").actor == administrator
    # Decided: it can no longer be approved.
    assert _decide(client, administrator, erasure).status_code == 404
    assert Learner.objects.filter(pk=learner.pk).exists()


def test_only_one_request_waits_at_a_time(client, director, second_director, learner):
    assert _ask(client, director, learner).status_code == 302
    page = client.get(reverse("privacy:erase", args=[learner.pk])).content.decode()
    assert "must approve or decline it" in page
    again = _ask(client, second_director, learner)
    assert again.status_code == 400
    assert ErasureRequest.objects.count() == 1


def test_asking_needs_a_reason_and_the_prison_number(client, director, learner):
    client.force_login(director)
    page = client.get(reverse("privacy:erase", args=[learner.pk]))
    assert "Nothing is erased until then" in page.content.decode()
    response = _ask(client, director, learner, prison_number="A0000AA", reason="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "does not match" in html
    assert "Explain the request to the person who will approve it" in html
    assert not ErasureRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="privacy.erase_request").exists()


def test_approving_needs_the_prison_number(client, director, administrator, learner):
    _ask(client, director, learner)
    erasure = ErasureRequest.objects.get()
    response = _decide(client, administrator, erasure, prison_number="A0000AA")
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert Learner.objects.filter(pk=learner.pk).exists()


@pytest.mark.parametrize("role", ["tutor", "regional_manager", "omu", "administrator"])
def test_only_directors_can_ask(request, client, learner, role):
    response = _ask(client, request.getfixturevalue(role), learner)
    assert response.status_code == 403
    assert not ErasureRequest.objects.exists()


@pytest.mark.parametrize("role", ["tutor", "regional_manager", "omu"])
def test_only_directors_and_the_administrator_decide(request, client, director, learner, role):
    _ask(client, director, learner)
    erasure = ErasureRequest.objects.get()
    response = _decide(client, request.getfixturevalue(role), erasure)
    assert response.status_code == 403
    assert Learner.objects.filter(pk=learner.pk).exists()
