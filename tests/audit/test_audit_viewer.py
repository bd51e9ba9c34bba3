"""The audit viewer: directors (and administrators) filter the trail and export CSV."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.csv import neutralise
from audit.models import AuditEvent, Outcome
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(tutor, regional_manager, learner):
    with freeze_time("2026-03-01 10:00"):
        audit_record(actor=tutor, action="learner.view", obj=learner, learner_id=learner.pk)
    with freeze_time("2026-03-05 10:00"):
        audit_record(actor=regional_manager, action="learner.update", learner_id=learner.pk)
        audit_record(
            actor=None,
            action="auth.sign_in",
            outcome=Outcome.FAILURE,
            actor_label="=cmd|' /C calc'!A0",
        )


def rows_of(page):
    return page.context["page"].object_list


def test_directors_see_the_trail_newest_first(client, director, trail):
    client.force_login(director)
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    actions = [
        event.action
        for event in rows_of(response)
        if event.actor != director and not event.action.startswith(("user.", "prison.", "region."))
    ]
    assert actions == ["auth.sign_in", "learner.update", "learner.view"]
    assert AuditEvent.objects.filter(action="audit.view", actor=director).count() == 1


def test_filters_by_user_learner_action_and_date(client, director, tutor, learner, trail):
    client.force_login(director)
    url = reverse("audit:list")
    by_user = rows_of(client.get(url, {"actor": tutor.pk}))
    assert [e.action for e in by_user] == ["learner.view"]
    by_learner = rows_of(client.get(url, {"learner_ref": learner.pk}))
    assert {e.action for e in by_learner} == {"learner.view", "learner.update"}
    by_action = rows_of(client.get(url, {"action": "learner."}))
    assert {e.action for e in by_action} == {"learner.view", "learner.update"}
    by_date = rows_of(client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-02"}))
    assert [e.action for e in by_date] == ["learner.view"]
    bad = client.get(url, {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert bad.status_code == 400
    assert "must be the same as or after" in bad.content.decode()


def test_pages_of_fifty(client, director, tutor):
    for _ in range(60):
        audit_record(actor=tutor, action="learner.view")
    client.force_login(director)
    first = client.get(reverse("audit:list"), {"action": "learner.view"})
    assert len(rows_of(first)) == 50
    assert "page=2" in first.content.decode()
    second = client.get(reverse("audit:list"), {"action": "learner.view", "page": 2})
    assert len(rows_of(second)) == 10


def test_list_query_count_does_not_grow_with_rows(
    client, director, tutor, django_assert_max_num_queries
):
    client.force_login(director)
    for _ in range(5):
        audit_record(actor=tutor, action="learner.view")
    with django_assert_max_num_queries(12):
        client.get(reverse("audit:list"))
    for _ in range(40):
        audit_record(actor=tutor, action="learner.view")
    with django_assert_max_num_queries(12):
        client.get(reverse("audit:list"))


def test_csv_export_is_filtered_neutralised_and_audited(client, director, trail):
    client.force_login(director)
    response = client.get(reverse("audit:export"), {"action": "auth.", "outcome": "failure"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["occurred_at", "actor", "action"]
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    event = AuditEvent.objects.get(action="audit.export")
    assert event.detail == {"action": "auth.", "outcome": "failure"}


def test_csv_export_says_when_a_late_entry_happened(client, director, regional_manager, learner):
    """Like the page: a change recorded more than a day after it happened carries
    the day it happened; one recorded the day after, or on the day, carries none."""
    with freeze_time("2026-03-05 10:00"):
        for happened, action in (
            ("2026-03-01", "review.complete"),
            ("2026-03-04", "learner.update"),
            (None, "learner.view"),
        ):
            audit_record(
                actor=regional_manager,
                action=action,
                learner_id=learner.pk,
                detail={"happened_on": happened} if happened else {},
            )
    client.force_login(director)
    response = client.get(reverse("audit:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    column = rows[0].index("happened_on")
    happened_by_action = {row[2]: row[column] for row in rows[1:]}
    assert happened_by_action["review.complete"] == "2026-03-01"
    assert happened_by_action["learner.update"] == ""
    assert happened_by_action["learner.view"] == ""


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value


def test_plain_cells_are_kept():
    assert neutralise("learner.view") == "learner.view"
    assert neutralise(None) == ""
    assert neutralise(dt.date(2026, 1, 1)) == "2026-01-01"


@pytest.mark.parametrize("role", ["tutor", "regional_manager", "omu"])
def test_other_roles_are_refused(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
