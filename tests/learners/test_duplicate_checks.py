"""Duplicate checks at enrolment and import (issue 17 item 6): similar names by
trigram similarity, with the date of birth the same, its day and month swapped
or one digit different, across all prisons; a match the user may not open is
reported only as "a possible match exists at another prison"."""

import datetime as dt
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from learners.models import Learner
from learners.selectors import (
    BirthDateSlip,
    DuplicateQuery,
    _candidates_elsewhere,
    birth_date_slips,
    duplicate_candidates,
    likely_duplicates,
)
from privacy.services import learner_anonymise
from tests.factories import LearnerFactory
from tests.privacy.test_anonymised_prison_number import old_pseudonymous_number

pytestmark = pytest.mark.django_db
ENROL = reverse("learners:enrol")
HIDDEN = "A possible match exists at another prison"
HEADER = (
    "prison_number,first_name,last_name,preferred_name,date_of_birth,prison,joined_on,"
    "earliest_release_on,expected_release_on\n"
)


def _jonathan(prison, born=dt.date(1991, 3, 4), **fields):
    values = {"first_name": "Jonathan", "last_name": "Pryce", "prison_number": "Z9999ZZ"}
    values.update(fields)
    return LearnerFactory(prison=prison, date_of_birth=born, **values)


def _enrol_jonathon(client, enrolment_data, born="1991-03-04"):
    return client.post(
        ENROL, enrolment_data(first_name="Jonathon", last_name="Pryce", date_of_birth=born)
    )


# --- Enrolment ----------------------------------------------------------------------


def test_a_near_name_with_one_birth_date_at_another_prison_is_flagged_without_detail(
    client, regional_manager, enrolment_data, other_prison
):
    _jonathan(other_prison)
    client.force_login(regional_manager)
    response = _enrol_jonathon(client, enrolment_data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duplicates"' in html
    assert HIDDEN in html
    # Nothing about the other record: no name, number or prison.
    assert "Jonathan" not in html
    assert "Z9999ZZ" not in html
    assert other_prison.name not in html
    assert Learner.objects.count() == 1


def test_a_near_name_at_another_prison_the_user_covers_is_shown_in_full(
    client, make_user, prison, other_prison, enrolment_data
):
    existing = _jonathan(other_prison)
    client.force_login(make_user(Role.REGIONAL_MANAGER, [prison, other_prison]))
    html = _enrol_jonathon(client, enrolment_data).content.decode()
    assert reverse("learners:detail", kwargs={"pk": existing.pk}) in html
    assert "Jonathan Pryce (Z9999ZZ)" in html
    assert other_prison.name in html
    assert "similar name and date of birth" in html
    assert HIDDEN not in html


@pytest.mark.parametrize(
    ("born", "reason"),
    [
        ("1991-04-03", "date of birth with day and month swapped"),
        ("1981-03-04", "date of birth one digit different"),
        ("1991-03-07", "date of birth one digit different"),
    ],
)
def test_a_slip_in_the_date_of_birth_is_flagged(
    client, regional_manager, enrolment_data, prison, born, reason
):
    _jonathan(prison)
    client.force_login(regional_manager)
    html = _enrol_jonathon(client, enrolment_data, born=born).content.decode()
    assert 'data-testid="duplicates"' in html
    assert reason in html
    assert Learner.objects.count() == 1


def test_a_similar_name_with_an_unrelated_birth_date_is_not_flagged(
    client, regional_manager, enrolment_data, prison
):
    _jonathan(prison)
    client.force_login(regional_manager)
    response = _enrol_jonathon(client, enrolment_data, born="1975-08-22")
    assert response.status_code == 302
    assert Learner.objects.count() == 2


def test_an_anonymised_record_is_not_a_possible_match(
    client, regional_manager, enrolment_data, prison
):
    _jonathan(prison, anonymised_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client.force_login(regional_manager)
    assert _enrol_jonathon(client, enrolment_data).status_code == 302


# --- Anonymised records ------------------------------------------------------------


def test_a_real_learner_with_the_old_pseudonymous_number_can_be_enrolled(
    client, regional_manager, enrolment_data, prison
):
    gone = LearnerFactory(prison=prison)
    learner_anonymise(learner=gone, why="test")
    number = old_pseudonymous_number(gone.pk)
    client.force_login(regional_manager)
    response = client.post(reverse("learners:enrol"), enrolment_data(prison_number=number))
    assert response.status_code == 302, response.context["form"].errors
    assert Learner.objects.filter(prison_number=number, anonymised_at__isnull=True).exists()


# --- Import -------------------------------------------------------------------------


def _upload(client, text: str):
    response = client.post(
        reverse("learners:import"),
        {"file": SimpleUploadedFile("learners.csv", text.encode(), content_type="text/csv")},
    )
    return unescape(client.get(response["Location"]).content.decode()), response["Location"]


def _row(number, first, last, born, prison="HMI"):
    joined = (dt.date.today() - dt.timedelta(days=30)).isoformat()  # noqa: DTZ011
    return f"{number},{first},{last},,{born},{prison},{joined},,\n"


def test_import_flags_similar_names_and_birth_date_slips_by_row_number(
    client, regional_manager, prison, other_prison
):
    _jonathan(prison, last_name="Walsh")  # born 4 March 1991, visible
    _jonathan(other_prison, first_name="Katherine", last_name="Hale", prison_number="Y8888YY")
    text = (
        HEADER
        + _row("A1000AA", "Ada", "Byron", "1990-01-02")
        + _row("B2000BB", "Jonathon", "Walsh", "1991-04-03")
        + _row("C3000CC", "Catherine", "Hale", "1991-03-04")
    )
    client.force_login(regional_manager)
    html, run_url = _upload(client, text)
    assert "2 rows may be learners already recorded" in html
    assert (
        "Similar name and date of birth with day and month swapped as the learner with "
        "prison number Z9999ZZ"
    ) in html
    assert HIDDEN in html
    assert "Y8888YY" not in html
    assert "Katherine" not in html
    client.post(run_url, {"duplicates_checked": "on"})
    from learners.models import ImportRun

    assert ImportRun.objects.get().duplicate_lines == [3, 4]


def test_import_flags_a_birth_date_slip_within_the_file(client, regional_manager, prison):
    text = (
        HEADER
        + _row("A1000AA", "Ryan", "Walker", "1990-01-02")
        + _row("B2000BB", "Ryan", "Walker", "1990-02-01")
    )
    client.force_login(regional_manager)
    html, _run_url = _upload(client, text)
    assert "Same name and date of birth with day and month swapped as line 2 of the file" in html


# --- The selector: access and query count -------------------------------------------


def test_a_tutor_at_one_prison_never_learns_a_name_at_another(make_user, prison, other_prison):
    tutor = make_user(Role.TUTOR, [prison])
    seen = _jonathan(prison, prison_number="A1111AA")
    _jonathan(other_prison, prison_number="B2222BB")
    found = likely_duplicates(
        tutor,
        first_name="Jonathon",
        last_name="Pryce",
        date_of_birth=dt.date(1991, 3, 4),
    )
    assert [match.learner for match in found if match.learner] == [seen]
    hidden = [match for match in found if match.learner is None]
    assert len(hidden) == 1
    assert hidden[0].reason == HIDDEN
    assert "B2222BB" not in repr(found)


def test_the_check_uses_trigram_similarity_on_postgresql(prison, regional_manager):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
    # "Jon Pryce" is too far from "Jonathan Pryce" for a trigram match, and
    # "Jonathon" close enough, which an exact comparison would not tell.
    _jonathan(prison)
    born = dt.date(1991, 3, 4)
    near = DuplicateQuery(key=1, first_name="Jonathon", last_name="Pryce", date_of_birth=born)
    far = DuplicateQuery(key=2, first_name="Bob", last_name="Pryce", date_of_birth=born)
    with CaptureQueriesContext(connection) as queries:
        found = duplicate_candidates(regional_manager, [near, far])
    assert set(found) == {1}
    assert any("similarity(" in query["sql"] for query in queries.captured_queries)


def test_the_check_makes_the_same_queries_for_one_person_or_many(
    prison, other_prison, regional_manager, django_assert_num_queries
):
    born = dt.date(1991, 3, 4)
    for index in range(30):
        place = prison if index % 2 else other_prison
        _jonathan(place, prison_number=f"A{index:04d}AA", born=born + dt.timedelta(days=index))

    def people(count):
        return [
            DuplicateQuery(
                key=index,
                first_name="Jonathon",
                last_name="Pryce",
                date_of_birth=born + dt.timedelta(days=index),
            )
            for index in range(count)
        ]

    duplicate_candidates(regional_manager, people(1))  # the user's prisons, read once
    with django_assert_num_queries(2) as one:
        duplicate_candidates(regional_manager, people(1))
    with django_assert_num_queries(len(one.captured_queries)):
        found = duplicate_candidates(regional_manager, people(30))
    assert len(found) == 30


# --- The dates a person may have been typed with -------------------------------------


def test_birth_date_slips_are_real_dates_one_keystroke_away():
    slips = birth_date_slips(dt.date(1992, 2, 29))
    assert slips[dt.date(1992, 2, 29)] == BirthDateSlip.SAME
    assert slips[dt.date(1996, 2, 29)] == BirthDateSlip.ONE_DIGIT  # a leap year too
    assert dt.date(1993, 2, 28) not in slips  # two digits away
    assert slips[dt.date(1992, 2, 19)] == BirthDateSlip.ONE_DIGIT
    assert not any(slip == BirthDateSlip.SWAPPED for slip in slips.values())  # no 29th month
    assert birth_date_slips(dt.date(1991, 3, 4))[dt.date(1991, 4, 3)] == BirthDateSlip.SWAPPED
    assert all(1900 <= typed.year <= 2100 for typed in slips)


def test_without_postgresql_the_check_falls_back_to_a_plainer_comparison(prison):
    """The embedded SQLite of `make run` has no pg_trgm: the same dates, names
    compared by a character-sequence ratio (called directly here, as the tests
    run on PostgreSQL)."""
    existing = _jonathan(prison)
    born = dt.date(1991, 3, 4)
    people = [
        DuplicateQuery(key=1, first_name="Jonathon", last_name="Pryce", date_of_birth=born),
        DuplicateQuery(key=2, first_name="Bob", last_name="Pryce", date_of_birth=born),
        DuplicateQuery(
            key=3, first_name="Jonathan", last_name="Pryce", date_of_birth=dt.date(1991, 4, 3)
        ),
    ]
    slips = {person.date_of_birth: birth_date_slips(person.date_of_birth) for person in people}
    assert sorted(_candidates_elsewhere(people, slips)) == [
        (1, existing.pk, "same", False),
        (3, existing.pk, "swapped", True),
    ]
