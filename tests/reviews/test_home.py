"""The work queue on the home page, by role, and its query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import InterventionKind
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _due_learner(prison, tutor, days: int, **fields):
    return LearnerFactory(
        prison=prison, tutor=tutor, next_review_due_on=TODAY() + dt.timedelta(days=days), **fields
    )


def test_tutor_sees_their_due_and_overdue_reviews_soonest_first(client, tutor, make_user, prison):
    other_tutor = make_user("tutor", [prison])
    overdue = _due_learner(prison, tutor, -3, last_name="Overdue")
    due = _due_learner(prison, tutor, 10, last_name="Duesoon")
    _due_learner(prison, tutor, 30, last_name="Notyet")
    _due_learner(prison, other_tutor, 1, last_name="Someoneelse")
    client.force_login(tutor)
    html = client.get(reverse("home")).content.decode()
    assert "Reviews due and overdue (2)" in html
    assert html.index(overdue.prison_number) < html.index(due.prison_number)
    assert "Notyet" not in html
    assert "Someoneelse" not in html


def test_tutor_sees_their_open_interventions(client, tutor, regional_manager, learner):
    services.intervention_raise(
        actor=regional_manager,
        learner=learner,
        kind=InterventionKind.PEER_MENTORING,
        description="Pair up",
        owner=tutor,
        due_on=TODAY(),
    )
    client.force_login(tutor)
    html = client.get(reverse("home")).content.decode()
    assert "Interventions (1)" in html
    assert "Peer mentoring" in html


def test_regional_manager_sees_their_prisons_with_counts_per_prison(
    client, make_user, tutor, prison, other_prison
):
    third = LearnerFactory._meta.model._meta.get_field("prison").related_model.objects.create(
        code="LEI", name="HMP Leeds", region=prison.region
    )
    manager = make_user("regional_manager", [prison, other_prison], full_name="Rita")
    _due_learner(prison, tutor, -1, last_name="Alpha")
    _due_learner(prison, tutor, 5, last_name="Bravo")
    _due_learner(other_prison, None, -10, last_name="Charlie")
    _due_learner(third, None, -10, last_name="Notmine")
    client.force_login(manager)
    response = client.get(reverse("home"))
    rows = {
        row["prison__name"]: row for row in response.context["sections"][0].context["prison_counts"]
    }
    assert rows["HMP Humber"]["due"] == 1 and rows["HMP Humber"]["overdue"] == 1
    assert rows["HMP Risley"]["overdue"] == 1
    assert "HMP Leeds" not in rows
    html = response.content.decode()
    assert "Reviews due and overdue (3)" in html
    assert "Notmine" not in html


def test_director_sees_counts_per_prison_only(client, director, tutor, prison, other_prison):
    _due_learner(prison, tutor, -1)
    _due_learner(other_prison, None, 3)
    client.force_login(director)
    response = client.get(reverse("home"))
    section = response.context["sections"][0].context
    assert "reviews" not in section
    assert {row["prison__name"] for row in section["prison_counts"]} == {"HMP Humber", "HMP Risley"}
    assert "By prison (2)" in response.content.decode()


def test_omu_has_no_work_queue(client, omu):
    client.force_login(omu)
    response = client.get(reverse("home"))
    templates = [section.template for section in response.context["sections"]]
    assert not [name for name in templates if name.startswith("reviews/")]


def _home_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("home"))  # the first request after sign-in touches the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["tutor", "regional_manager", "director"])
def test_work_queue_query_count_is_the_same_at_10_and_200_learners(
    client, django_assert_max_num_queries, make_user, prison, other_prison, role
):
    tutor = make_user("tutor", [prison, other_prison])
    user = tutor if role == "tutor" else make_user(role, [prison, other_prison])

    def add(n: int) -> None:
        for i in range(n):
            learner = _due_learner(prison if i % 2 else other_prison, tutor, (i % 20) - 10)
            if i % 3 == 0:
                services.intervention_raise(
                    actor=tutor,
                    learner=learner,
                    kind=InterventionKind.EXTRA_TUTOR_TIME,
                    description="x",
                    owner=user,
                    due_on=TODAY(),
                )

    add(10)
    at_ten = _home_queries(client, user)
    add(190)
    # Same client, already signed in: the same queries, whatever the caseload.
    with django_assert_max_num_queries(at_ten):
        assert client.get(reverse("home")).status_code == 200


def test_regional_manager_sees_open_interventions_at_their_prisons(
    client, regional_manager, tutor, learner, other_prison
):
    elsewhere = LearnerFactory(prison=other_prison)
    for who, person in ((tutor, learner), (tutor, elsewhere)):
        services.intervention_raise(
            actor=who,
            learner=person,
            kind=InterventionKind.OMU_LIAISON,
            description="Speak to the OMU",
            owner=who,
            due_on=TODAY(),
        )
    client.force_login(regional_manager)
    section = client.get(reverse("home")).context["sections"][0].context
    assert section["intervention_count"] == 1
    assert section["interventions"][0].learner == learner


def test_administrators_by_prison_tab_counts_prisons_and_lists_every_one(
    client, administrator, tutor, prison, other_prison
):
    """Issue 16: the tab said "By prison (10)" counting reviews, and a prison with
    nothing due was missing from it."""
    for days in range(10):
        _due_learner(prison, tutor, days - 3)
    client.force_login(administrator)
    response = client.get(reverse("home"))
    rows = {
        row["prison__name"]: row for row in response.context["sections"][0].context["prison_counts"]
    }
    assert set(rows) == {"HMP Humber", "HMP Risley"}
    assert (rows["HMP Risley"]["due"], rows["HMP Risley"]["overdue"]) == (0, 0)
    assert (rows["HMP Humber"]["due"], rows["HMP Humber"]["overdue"]) == (7, 3)
    html = response.content.decode()
    assert "By prison (2)" in html
    assert "By prison (10)" not in html
