import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.one_line_text import ONE_LINE_MESSAGE as ONE_LINE
from audit.models import AuditEvent
from learners.models import CourseStatus, Learner, TimelineEvent, TimelineKind
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
URL = reverse("learners:enrol")


def _errors(response) -> str:
    return response.content.decode()


def test_regional_manager_enrols_a_learner(client, regional_manager, tutor, enrolment_data):
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data(tutor=str(tutor.pk)))
    learner = Learner.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("learners:detail", kwargs={"pk": learner.pk})
    assert learner.prison_number == "A1234BC"  # stored upper-case
    assert learner.course_status == CourseStatus.REFERRED
    assert learner.regional_manager == regional_manager
    assert learner.tutor == tutor
    assert TimelineEvent.objects.filter(learner=learner, kind=TimelineKind.ENROLMENT).count() == 1
    assert AuditEvent.objects.filter(action="learner.create", learner_ref=learner.pk).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"prison_number": "12345AB"}, "prison_number", "format A1234BC"),
        ({"prison_number": ""}, "prison_number", "Enter the prison number"),
        ({"first_name": ""}, "first_name", "Enter the first name"),
        ({"date_of_birth": "2020-02-30"}, "date_of_birth", "Date of birth must be a real date"),
    ],
)
def test_enrolment_refuses_bad_input(
    client, regional_manager, enrolment_data, overrides, field, message
):
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data(**overrides))
    assert response.status_code == 200
    assert message in _errors(response)
    assert field in response.context["form"].errors
    assert "Error: " in response.content.decode().split("</title>")[0]
    assert not Learner.objects.exists()


def test_release_date_before_join_date_is_refused(client, regional_manager, enrolment_data, today):
    client.force_login(regional_manager)
    joined = today - dt.timedelta(days=10)
    response = client.post(
        URL,
        enrolment_data(
            joined_on=joined.isoformat(),
            earliest_release_on=(joined - dt.timedelta(days=1)).isoformat(),
            expected_release_on=(joined - dt.timedelta(days=1)).isoformat(),
        ),
    )
    errors = response.context["form"].errors
    assert errors["expected_release_on"] == ["Expected release date must be after the date joined"]
    assert errors["earliest_release_on"] == ["Earliest release date must be after the date joined"]
    assert not Learner.objects.exists()


def test_learner_younger_than_18_is_refused(client, regional_manager, enrolment_data, today):
    client.force_login(regional_manager)
    born = today.replace(year=today.year - 17)
    response = client.post(URL, enrolment_data(date_of_birth=born.isoformat()))
    assert response.context["form"].errors["date_of_birth"] == [
        "The learner must be at least 18 years old"
    ]
    assert not Learner.objects.exists()


def test_learner_older_than_100_is_refused(client, regional_manager, enrolment_data, today):
    client.force_login(regional_manager)
    born = dt.date(today.year - 102, 1, 1)
    response = client.post(URL, enrolment_data(date_of_birth=born.isoformat()))
    assert "over 100 years old" in response.context["form"].errors["date_of_birth"][0]
    assert not Learner.objects.exists()


def test_a_prison_the_user_does_not_cover_is_refused(
    client, regional_manager, other_prison, enrolment_data
):
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data(prison=str(other_prison.pk)))
    assert response.context["form"].errors["prison"] == ["Choose a prison you cover"]
    assert "Choose a prison you cover" in _errors(response)
    assert not Learner.objects.exists()


def test_a_prison_number_already_recorded_is_refused(
    client, regional_manager, enrolment_data, prison
):
    LearnerFactory(prison_number="A1234BC", prison=prison)
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data())
    assert response.context["form"].errors["prison_number"] == [
        "A learner with this prison number is already recorded"
    ]
    assert Learner.objects.count() == 1


def test_tutor_cannot_enrol(client, tutor, enrolment_data):
    client.force_login(tutor)
    assert client.get(URL).status_code == 403
    assert client.post(URL, enrolment_data()).status_code == 403
    assert not Learner.objects.exists()


def test_same_name_and_birth_date_is_flagged_before_saving(
    client, regional_manager, enrolment_data, prison
):
    existing = LearnerFactory(
        prison=prison,
        first_name="Ryan",
        last_name="Walker",
        date_of_birth=dt.date(1991, 3, 14),
        prison_number="Z9999ZZ",
    )
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data(first_name="ryan", last_name="WALKER"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="duplicates"' in html
    assert reverse("learners:detail", kwargs={"pk": existing.pk}) in html
    assert "This is a different person: enrol anyway" in html
    assert Learner.objects.count() == 1

    # Submitting again without the confirmation still saves nothing.
    again = client.post(URL, enrolment_data(checked_duplicates="1"))
    assert "Confirm this is a different person" in again.content.decode()
    assert Learner.objects.count() == 1

    confirmed = client.post(URL, enrolment_data(checked_duplicates="1", different_person="on"))
    assert confirmed.status_code == 302
    assert Learner.objects.count() == 2


def test_near_match_name_with_the_same_birth_date_is_flagged(
    client, regional_manager, enrolment_data, prison
):
    LearnerFactory(
        prison=prison,
        first_name="Rian",
        last_name="Walker",
        date_of_birth=dt.date(1991, 3, 14),
        prison_number="Z9999ZZ",
    )
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data())
    assert 'data-testid="duplicates"' in response.content.decode()
    assert "similar name and date of birth" in response.content.decode()
    assert Learner.objects.count() == 1


def test_a_different_name_at_the_same_prison_is_not_flagged(
    client, regional_manager, enrolment_data, prison
):
    LearnerFactory(prison=prison, first_name="Tom", last_name="Jones", prison_number="Z9999ZZ")
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data())
    assert response.status_code == 302
    assert Learner.objects.count() == 2


def test_a_duplicate_at_a_prison_the_user_cannot_see_is_named_without_detail(
    client, regional_manager, enrolment_data, other_prison
):
    LearnerFactory(
        prison=other_prison,
        first_name="Ryan",
        last_name="Walker",
        date_of_birth=dt.date(1991, 3, 14),
        prison_number="Z9999ZZ",
    )
    client.force_login(regional_manager)
    html = client.post(URL, enrolment_data()).content.decode()
    assert "A possible match exists at another prison" in html
    assert "Z9999ZZ" not in html


def test_enrol_page_offers_only_the_users_prisons(
    client, make_user, prison, other_prison, enrolment_data
):
    manager = make_user(Role.REGIONAL_MANAGER, [prison])
    client.force_login(manager)
    html = client.get(URL).content.decode()
    assert prison.name in html
    assert other_prison.name not in html


def test_enrolment_shows_the_message_on_the_field_and_saves_nothing(
    client, regional_manager, enrolment_data
):
    client.force_login(regional_manager)
    response = client.post(URL, enrolment_data(last_name="Doyle\r\nBcc: x@example.org"))
    assert response.status_code == 200
    assert response.context["form"].errors["last_name"] == [ONE_LINE]
    assert ONE_LINE in response.content.decode()
    assert not Learner.objects.exists()
