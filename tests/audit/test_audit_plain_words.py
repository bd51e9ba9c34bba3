"""The audit trail in plain words (issue 17, item 7): learners by prison number,
records by name, action codes through one lookup that falls back to the code."""

import pytest
from django.urls import reverse

from audit import labels
from audit.actions import Action
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def rows(html: str) -> str:
    return html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]


def test_the_trail_names_the_learner_by_prison_number_and_the_record_by_name(
    client, director, tutor, learner
):
    audit_record(actor=tutor, action="learner.view", obj=learner, learner_id=learner.pk)
    client.force_login(director)
    body = rows(client.get(reverse("audit:list")).content.decode())
    assert learner.prison_number in body
    assert "learners.learner" not in body
    assert f">{learner.pk}<" not in body
    assert ">Learner<" in body


def test_an_action_code_shows_its_display_name_or_else_the_code(client, director, tutor):
    audit_record(actor=tutor, action=Action.MENTOR_PAUSE)
    audit_record(actor=tutor, action="something.new")
    client.force_login(director)
    body = rows(client.get(reverse("audit:list")).content.decode())
    assert "Mentor paused" in body
    assert "resettlement.mentor.pause" not in body
    assert "something.new" in body


def test_an_unknown_record_type_shows_as_it_is():
    assert labels.record_label("learners.learner") == "Learner"
    assert labels.record_label("gone.thing") == "gone.thing"
    assert labels.record_label("") == ""
