"""Refused requests on learner routes leave a trace (issue 13 item 3): who, which
route, which learner, "denied"; at most one row per user, route and object a
minute; directors filter them and see who was refused often in a day."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.denials import DENIED_ACTION
from audit.models import AuditEvent, Outcome
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def far_learner(other_prison):
    return LearnerFactory(prison=other_prison, first_name="Casey", last_name="Far")


def denials():
    return AuditEvent.objects.filter(action=DENIED_ACTION).order_by("pk")


def test_a_refused_learner_page_is_recorded_once_a_minute(client, tutor, far_learner):
    client.force_login(tutor)
    url = reverse("learners:detail", args=[far_learner.pk])
    with freeze_time("2026-03-01 10:00:00"):
        assert client.get(url).status_code == 404
    with freeze_time("2026-03-01 10:00:40"):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code in (404, 405)
    [event] = denials()
    assert event.actor == tutor
    assert event.outcome == Outcome.DENIED
    assert event.learner_ref == far_learner.pk
    assert event.detail == {"route": "learners:detail", "ids": {}, "status": 404}
    assert event.ip_address == "127.0.0.1"
    # Another route or object is another row; the same one again after a minute too.
    with freeze_time("2026-03-01 10:00:50"):
        client.get(reverse("learners:intake", args=[far_learner.pk]))
        client.get(reverse("reviews:review_detail", args=[far_learner.pk, 7]))
        client.get(reverse("reviews:review_detail", args=[far_learner.pk, 8]))
    with freeze_time("2026-03-01 10:01:01"):
        client.get(url)
    routes = [(e.detail["route"], e.detail["ids"]) for e in denials()]
    assert routes == [
        ("learners:detail", {}),
        ("learners:intake", {}),
        ("reviews:review_detail", {"review_id": "7"}),
        ("reviews:review_detail", {"review_id": "8"}),
        ("learners:detail", {}),
    ]


def test_a_role_refused_by_the_gate_is_recorded_with_403(client, omu, learner):
    client.force_login(omu)
    assert client.get(reverse("learners:intake", args=[learner.pk])).status_code == 403
    [event] = denials()
    assert (event.actor, event.learner_ref, event.detail["status"]) == (omu, learner.pk, 403)


def test_pages_that_are_allowed_or_not_about_a_learner_are_not_denials(
    client, tutor, learner, director
):
    client.force_login(tutor)
    assert client.get(reverse("learners:detail", args=[learner.pk])).status_code == 200
    assert client.get(reverse("audit:list")).status_code == 403  # not a learner route
    assert client.get("/learners/999999999/").status_code == 404
    assert client.get(reverse("reports:partner_detail", args=[999])).status_code in (403, 404)
    assert [e.learner_ref for e in denials()] == [999999999]
    client.logout()
    assert client.get(reverse("learners:detail", args=[learner.pk])).status_code == 302
    assert denials().count() == 1


def test_directors_filter_denials_and_see_who_was_refused_often(
    client, tutor, regional_manager, director, other_prison
):
    client.force_login(tutor)
    far = LearnerFactory.create_batch(12, prison=other_prison)
    for learner in far:
        client.get(reverse("learners:detail", args=[learner.pk]))
    client.force_login(regional_manager)
    client.get(reverse("learners:detail", args=[far[0].pk]))
    assert denials().count() == 13
    client.force_login(director)
    page = client.get(reverse("audit:list"), {"outcome": "denied"})
    assert page.status_code == 200
    assert {e.outcome for e in page.context["page"].object_list} == {Outcome.DENIED}
    html = page.content.decode()
    assert "Refused often in the last 24 hours" in html
    assert f"{tutor.email}: 12 refused requests" in html
    assert regional_manager.email not in html.split("Refused often")[1].split("</ul>")[0]
    assert f"?actor={tutor.pk}&amp;outcome=denied" in html
    # A day later the panel is gone; the rows stay.
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1)):
        html = client.get(reverse("audit:list")).content.decode()
    assert "Refused often" not in html
