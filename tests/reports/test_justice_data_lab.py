"""The Justice Data Lab (issue 18, part 4): gender and PNC number on the learner
record (regional managers and directors only, the PNC check letter validated); the
cohort export in the Lab's layout, refused below the minimum cohort size, audited and
recorded with its rules; the Lab's headline result entered by hand and shown on the
directors' dashboard."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from learners.models import (
    CourseStatus,
    Gender,
    Learner,
    StatusChange,
    StatusField,
    pnc_normalised,
    validate_pnc,
)
from reports.models import JusticeDataLabExport, JusticeDataLabResult
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
D = dt.date
PERIOD = {"period_start": "2025-01-01", "period_end": "2025-12-31"}


# --- The PNC number -------------------------------------------------------------------


@pytest.mark.parametrize(
    "pnc", ["2001/0171310W", "2011/0275516Q", "1981/0154257C", "01/171310W", " 08/0056560z "]
)
def test_valid_pnc_numbers_pass(pnc):
    validate_pnc(pnc)


@pytest.mark.parametrize(
    ("pnc", "code"),
    [
        ("2001/0171310X", "pnc_check"),
        ("01/0171311W", "pnc_check"),
        ("2001-0171310W", "pnc_format"),
        ("A1234BC", "pnc_format"),
        ("2001/01713100W", "pnc_format"),
        ("201/0171310W", "pnc_format"),
    ],
)
def test_wrong_pnc_numbers_are_refused(pnc, code):
    with pytest.raises(ValidationError) as refused:
        validate_pnc(pnc)
    assert refused.value.code == code


def test_a_short_serial_is_padded():
    assert pnc_normalised("01/171310w") == "01/0171310W"


def test_regional_manager_records_gender_and_pnc(client, regional_manager, learner):
    client.force_login(regional_manager)
    url = reverse("learners:edit", kwargs={"pk": learner.pk})
    form = client.get(url).context["form"]
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    for name in ("date_of_birth", "joined_on"):
        data[name] = getattr(learner, name).isoformat()
    bad = client.post(url, {**data, "gender": "female", "pnc_number": "2001/0171310X"})
    assert bad.status_code == 200
    assert "its last letter does not match" in bad.content.decode()
    learner.refresh_from_db()
    assert learner.pnc_number == ""
    client.post(url, {**data, "gender": "female", "pnc_number": "01/171310w"})
    learner.refresh_from_db()
    assert learner.gender == Gender.FEMALE
    assert learner.pnc_number == "01/0171310W"


@pytest.mark.parametrize(
    ("who", "sees"),
    [("regional_manager", True), ("director", True), ("tutor", False), ("administrator", False)],
)
def test_gender_and_pnc_are_shown_to_managers_and_directors_only(
    client, request, learner, who, sees
):
    learner.pnc_number = "2001/0171310W"
    learner.gender = Gender.MALE
    learner.save()
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("learners:detail", kwargs={"pk": learner.pk}))
    assert response.status_code == 200
    assert ("2001/0171310W" in response.content.decode()) is sees


# --- The cohort export ----------------------------------------------------------------


@pytest.fixture
def small_minimum(settings):
    settings.JUSTICE_DATA_LAB_MINIMUM_COHORT = 3


def _cohort(prison, other_prison):
    graduate = LearnerFactory(
        prison=prison,
        first_name="Ann",
        last_name="Able",
        date_of_birth=D(1990, 2, 3),
        joined_on=D(2025, 1, 10),
        gender=Gender.FEMALE,
        pnc_number="2001/0171310W",
        course_status=CourseStatus.GRADUATED,
        graduated_on=D(2025, 9, 1),
    )
    withdrawn = LearnerFactory(
        prison=other_prison,
        first_name="Ben",
        last_name="Baker",
        joined_on=D(2025, 3, 1),
        course_status=CourseStatus.WITHDRAWN,
    )
    StatusChange.objects.create(
        learner=withdrawn,
        field=StatusField.COURSE,
        from_status=CourseStatus.ACTIVE,
        to_status=CourseStatus.WITHDRAWN,
        changed_at=dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC),
    )
    ongoing = LearnerFactory(
        prison=prison,
        first_name="Cal",
        last_name="Cole",
        joined_on=D(2025, 12, 31),
        course_status=CourseStatus.ACTIVE,
    )
    LearnerFactory(prison=prison, last_name="Zed-Outside", joined_on=D(2024, 12, 31))
    anonymised = LearnerFactory(prison=prison, last_name="Gone", joined_on=D(2025, 5, 1))
    Learner.objects.filter(pk=anonymised.pk).update(anonymised_at=dt.datetime.now(dt.UTC))
    return graduate, withdrawn, ongoing


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_director_exports_the_cohort_in_the_labs_layout(
    client, director, prison, other_prison, small_minimum
):
    graduate, _withdrawn, _ongoing = _cohort(prison, other_prison)
    client.force_login(director)
    response = client.post(reverse("reports:justice_data_lab"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert rows[0] == [
        "Surname",
        "Forename",
        "Date of birth",
        "Gender",
        "Prison number",
        "PNC number",
        "Intervention start date",
        "Intervention end date",
    ]
    assert rows[1] == [
        "Able",
        "Ann",
        "03/02/1990",
        "Female",
        graduate.prison_number,
        "2001/0171310W",
        "10/01/2025",
        "01/09/2025",
    ]
    assert rows[2][0] == "Baker" and rows[2][6:] == ["01/03/2025", "15/06/2025"]
    assert rows[3][0] == "Cole" and rows[3][3] == "" and rows[3][7] == ""
    assert len(rows) == 4  # the one outside the period and the anonymised one are left out
    export = JusticeDataLabExport.objects.get()
    assert (export.period_start, export.period_end, export.cohort_size) == (
        D(2025, 1, 1),
        D(2025, 12, 31),
        3,
    )
    assert export.made_by == director
    assert export.rules["minimum_cohort"] == 3
    event = AuditEvent.objects.get(action="report.justice_data_lab.export")
    assert event.detail["cohort_size"] == 3
    assert event.object_id == str(export.pk)


def test_a_cohort_below_the_minimum_is_refused(client, director, prison, other_prison, settings):
    settings.JUSTICE_DATA_LAB_MINIMUM_COHORT = 60
    _cohort(prison, other_prison)
    client.force_login(director)
    response = client.post(reverse("reports:justice_data_lab"), PERIOD)
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "The cohort has 3 people: the Justice Data Lab needs at least 60" in content
    assert not JusticeDataLabExport.objects.exists()
    assert not AuditEvent.objects.filter(action="report.justice_data_lab.export").exists()


def test_a_period_that_ends_before_it_starts_is_refused(client, director):
    client.force_login(director)
    response = client.post(
        reverse("reports:justice_data_lab"),
        {"period_start": "2025-12-31", "period_end": "2025-01-01"},
    )
    assert response.status_code == 400
    assert "The end of the period must be after its start" in response.content.decode()


@pytest.mark.parametrize("who", ["regional_manager", "tutor", "administrator"])
def test_only_directors_export(client, request, who, small_minimum):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("reports:justice_data_lab"), PERIOD).status_code == 403
    assert not JusticeDataLabExport.objects.exists()


def test_the_minimum_is_shown_on_the_settings_page(client, administrator, settings):
    settings.JUSTICE_DATA_LAB_MINIMUM_COHORT = 75
    client.force_login(administrator)
    content = client.get(reverse("configuration:settings")).content.decode()
    assert "The smallest cohort exported to the Justice Data Lab" in content
    assert "75 people" in content


def test_export_list_queries_do_not_grow(client, director, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            JusticeDataLabExport.objects.create(
                period_start=D(2025, 1, 1),
                period_end=D(2025, 12, 31),
                cohort_size=80,
                made_by=director,
            )

    client.force_login(director)
    add(2)
    with django_assert_max_num_queries(12):
        client.get(reverse("reports:justice_data_lab"))
    add(15)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:justice_data_lab"))
    assert response.content.decode().count("80</td>") == 17


# --- The Lab's result -----------------------------------------------------------------

RESULT = {
    "published_on": "2026-10-01",
    "measured_rate": "18.5",
    "comparison_rate": "31.0",
    "interval_low": "-19.0",
    "interval_high": "-6.0",
}


def test_director_records_the_result_and_the_dashboard_shows_the_latest(client, director):
    client.force_login(director)
    JusticeDataLabResult.objects.create(
        published_on=D(2025, 3, 1),
        measured_rate=Decimal("25.0"),
        comparison_rate=Decimal("30.0"),
        interval_low=Decimal("-9.0"),
        interval_high=Decimal("-1.0"),
    )
    response = client.post(reverse("reports:justice_data_lab_result"), RESULT)
    assert response.status_code == 302
    result = JusticeDataLabResult.objects.get(published_on=D(2026, 10, 1))
    assert result.entered_by == director
    assert result.difference == Decimal("-12.5")
    assert AuditEvent.objects.filter(
        action="report.justice_data_lab.result", object_id=str(result.pk)
    ).exists()
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert "1 October 2026" in dashboard
    assert "18.5% reoffended within a year" in dashboard
    assert "-12.5 percentage points (from -19.0 to -6.0)" in dashboard
    assert "1 March 2025" not in dashboard


def test_a_result_with_the_interval_upside_down_is_refused(client, director):
    client.force_login(director)
    response = client.post(
        reverse("reports:justice_data_lab_result"),
        {**RESULT, "interval_low": "5", "interval_high": "-5", "measured_rate": "140"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "The upper end must not be below the lower end" in content
    assert "Enter a rate between 0 and 100" in content
    assert not JusticeDataLabResult.objects.exists()


def test_a_regional_manager_cannot_record_a_result(client, regional_manager):
    client.force_login(regional_manager)
    assert client.post(reverse("reports:justice_data_lab_result"), RESULT).status_code == 403
    assert not JusticeDataLabResult.objects.exists()
