import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from learners.models import CourseStatus, CustodyStatus
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
URL = reverse("learners:list")


def _names(response) -> list[str]:
    return [learner.last_name for learner in response.context["page"].object_list]


def test_caseload_shows_only_the_users_prisons(client, tutor, prison, other_prison):
    LearnerFactory(prison=prison, last_name="Mine")
    LearnerFactory(prison=other_prison, last_name="Elsewhere")
    client.force_login(tutor)
    response = client.get(URL)
    assert _names(response) == ["Mine"]
    assert "Elsewhere" not in response.content.decode()


@pytest.mark.parametrize("query", ["doy", "DOYLE", "a0001", "jamie d", "Jam"])
def test_search_is_partial_and_case_insensitive(client, tutor, prison, query):
    LearnerFactory(prison=prison, first_name="Jamie", last_name="Doyle", prison_number="A0001BC")
    LearnerFactory(prison=prison, first_name="Sam", last_name="Hill", prison_number="B0002CD")
    client.force_login(tutor)
    assert _names(client.get(URL, {"q": query})) == ["Doyle"]


def test_filters_combine_and_stay_in_the_query_string(
    client, regional_manager, make_user, prison, today
):
    other_tutor = make_user(Role.TUTOR, [prison])
    LearnerFactory(prison=prison, last_name="Active", tutor=other_tutor)
    LearnerFactory(prison=prison, last_name="Paused", course_status=CourseStatus.PAUSED)
    LearnerFactory(prison=prison, last_name="Out", custody_status=CustodyStatus.RELEASED)
    client.force_login(regional_manager)
    assert _names(client.get(URL, {"course_status": "paused"})) == ["Paused"]
    assert _names(client.get(URL, {"custody_status": "released"})) == ["Out"]
    assert _names(client.get(URL, {"tutor": other_tutor.pk})) == ["Active"]
    response = client.get(URL, {"course_status": "active", "sort": "-name"})
    assert _names(response) == ["Out", "Active"]
    # Sort links keep the filters.
    assert "course_status=active" in response.context["columns"][0]["url"]


def test_release_within_12_weeks_filter(client, tutor, prison, today):
    LearnerFactory(
        prison=prison, last_name="Soon", expected_release_on=today + dt.timedelta(days=30)
    )
    LearnerFactory(
        prison=prison, last_name="Later", expected_release_on=today + dt.timedelta(days=200)
    )
    LearnerFactory(
        prison=prison,
        last_name="Gone",
        expected_release_on=today - dt.timedelta(days=5),
        custody_status=CustodyStatus.RELEASED,
    )
    client.force_login(tutor)
    assert _names(client.get(URL, {"release_soon": "on"})) == ["Soon"]


def test_sort_by_next_review_due(client, tutor, prison, today):
    LearnerFactory(
        prison=prison, last_name="Late", next_review_due_on=today + dt.timedelta(days=50)
    )
    LearnerFactory(prison=prison, last_name="None", next_review_due_on=None)
    LearnerFactory(
        prison=prison, last_name="Early", next_review_due_on=today + dt.timedelta(days=2)
    )
    client.force_login(tutor)
    assert _names(client.get(URL, {"sort": "review"})) == ["Early", "Late", "None"]
    assert _names(client.get(URL, {"sort": "-review"})) == ["Late", "Early", "None"]


def test_pagination_keeps_the_filters(client, tutor, prison):
    LearnerFactory.create_batch(30, prison=prison, course_status=CourseStatus.ACTIVE)
    client.force_login(tutor)
    first = client.get(URL, {"course_status": "active"})
    assert len(first.context["page"].object_list) == 25
    assert "course_status=active" in first.context["next_url"]
    assert "page=2" in first.context["next_url"]
    second = client.get(URL, {"course_status": "active", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_empty_states_say_what_to_do(client, regional_manager, tutor, prison):
    client.force_login(regional_manager)
    html = client.get(URL).content.decode()
    assert "Enrol a learner" in html and 'data-testid="empty-state"' in html
    LearnerFactory(prison=prison, last_name="Doyle")
    html = client.get(URL, {"q": "nobody"}).content.decode()
    assert "No learners match these filters" in html
    client.force_login(tutor)
    html = client.get(URL, {"q": "nobody"}).content.decode()
    assert "clear the filters" in html


def test_omu_staff_have_no_caseload(client, omu):
    client.force_login(omu)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("count", [10, 200])
def test_caseload_query_count_does_not_grow(
    client, regional_manager, tutor, prison, count, django_assert_max_num_queries
):
    LearnerFactory.create_batch(count, prison=prison, tutor=tutor)
    client.force_login(regional_manager)
    # The same fixed number at both sizes: session, user, second-factor device,
    # the gate's prisons, the page and its count, the filter choices.
    with django_assert_max_num_queries(13):  # 13th: the header's unread count
        response = client.get(URL, {"sort": "review", "release_soon": "", "q": ""})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)
