import datetime as dt
import time
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from learners.demo import _prison_number
from learners.models import ImportRun, ImportStatus, Learner, TimelineEvent
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
HEADER = (
    "prison_number,first_name,last_name,preferred_name,date_of_birth,prison,joined_on,"
    "earliest_release_on,expected_release_on\n"
)


def _upload(client, text: str, name: str = "learners.csv"):
    return client.post(
        reverse("learners:import"),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def _row(number, first="Ryan", last="Walker", born="1990-01-02", prison="HMI", joined=None):
    joined = joined or (dt.date.today() - dt.timedelta(days=30)).isoformat()  # noqa: DTZ011
    return f"{number},{first},{last},,{born},{prison},{joined},,\n"


def test_preview_shows_every_rows_errors_and_saves_nothing(client, regional_manager, prison):
    LearnerFactory(prison=prison, prison_number="C1111CC")
    text = (
        HEADER
        + _row("A1000AA")
        + _row("BAD", first="Sam")
        + _row("B2000BB", born="2015-01-01")
        + _row("C1111CC", first="Kai")
        + _row("D3000DD", prison="XXX")
        + _row("A1000AA", first="Leon")
        + _row("E4000EE", born="not a date")
    )
    client.force_login(regional_manager)
    response = _upload(client, text)
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("learners:import_preview", kwargs={"pk": run.pk})
    html = unescape(client.get(response["Location"]).content.decode())
    assert "is not in the format A1234BC" in html
    assert "at least 18 years old" in html
    assert "C1111CC is already recorded" in html
    assert "'XXX' is not a prison you cover" in html
    assert "is also on line 2 of the file" in html
    assert "'not a date' is not a date" in html
    assert "6 rows cannot be imported" in html
    assert "Import 7 learners" not in html  # no import button while there are errors
    # Committing anyway imports nothing.
    response = client.post(reverse("learners:import_preview", kwargs={"pk": run.pk}))
    assert "nothing was imported" in response.content.decode()
    assert Learner.objects.count() == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEWED


def test_missing_columns_are_reported_on_the_form(client, regional_manager):
    client.force_login(regional_manager)
    response = _upload(client, "prison_number,first_name\nA1000AA,Ryan\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file has no column for" in html and "Date of birth" in html
    assert not ImportRun.objects.exists()


def test_a_file_that_is_not_csv_is_refused(client, regional_manager):
    client.force_login(regional_manager)
    response = _upload(client, HEADER, name="learners.xlsx")
    assert response.status_code == 200
    assert "The file must be a CSV file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_good_file_imports_every_row(client, regional_manager, prison):
    text = HEADER + _row("A1000AA") + _row("B2000BB", first="Sam", last="Hill")
    client.force_login(regional_manager)
    run_url = _upload(client, text)["Location"]
    assert "Import 2 learners" in client.get(run_url).content.decode()
    response = client.post(run_url)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert sorted(Learner.objects.values_list("prison_number", flat=True)) == ["A1000AA", "B2000BB"]
    assert TimelineEvent.objects.filter(kind="enrolment").count() == 2
    assert AuditEvent.objects.filter(action="learner.import").count() == 1
    # Running it twice imports nothing more.
    client.post(run_url)
    assert Learner.objects.count() == 2


def test_likely_duplicates_are_reported_not_merged(client, regional_manager, prison):
    LearnerFactory(
        prison=prison,
        prison_number="Z9999ZZ",
        first_name="Ryan",
        last_name="Walker",
        date_of_birth=dt.date(1990, 1, 2),
    )
    client.force_login(regional_manager)
    run_url = _upload(client, HEADER + _row("A1000AA"))["Location"]
    html = client.get(run_url).content.decode()
    assert (
        "Likely duplicate: Same name and date of birth as the learner with prison number Z9999ZZ"
        in html
    )
    refused = client.post(run_url)
    assert "Confirm that you have checked the likely duplicates" in refused.content.decode()
    assert Learner.objects.count() == 1
    client.post(run_url, {"duplicates_checked": "on"})
    assert Learner.objects.count() == 2  # a new record, the old one untouched


def test_an_imported_file_keeps_the_row_numbers_of_its_likely_duplicates(
    client, regional_manager, prison
):
    LearnerFactory(prison=prison, first_name="Ryan", last_name="Walker")
    existing = Learner.objects.get()
    born = existing.date_of_birth.isoformat()
    client.force_login(regional_manager)
    text = HEADER + _row("A1000AA", first="Ada", last="Byron") + _row("B2000BB", born=born)
    run_url = _upload(client, text)["Location"]
    client.post(run_url, {"duplicates_checked": "on"})
    run = ImportRun.objects.get()
    assert run.content == ""
    # Line 3 of the file (after the header and Ada) was the likely duplicate.
    assert (run.imported_count, run.duplicate_lines) == (2, [3])


def test_another_users_import_is_404(client, regional_manager, make_user, prison):
    client.force_login(regional_manager)
    run_url = _upload(client, HEADER + _row("A1000AA"))["Location"]
    client.force_login(make_user("regional_manager", [prison]))
    assert client.get(run_url).status_code == 404


def test_ten_thousand_rows_check_and_import_within_a_request(client, regional_manager, prison):
    joined = (dt.date.today() - dt.timedelta(days=30)).isoformat()  # noqa: DTZ011
    rows = "".join(
        _row(_prison_number(i), first=f"Learner{i}", last="Test", joined=joined)
        for i in range(10_000)
    )
    client.force_login(regional_manager)
    started = time.perf_counter()
    run_url = _upload(client, HEADER + rows)["Location"]
    checked = time.perf_counter()
    # The generated names differ only by digits, so they are flagged as likely duplicates.
    response = client.post(run_url, {"duplicates_checked": "on"})
    finished = time.perf_counter()
    assert response.status_code == 302, unescape(response.content.decode())[-1500:]
    assert Learner.objects.count() == 10_000
    print(f"10,000 rows: check {checked - started:.1f} s, import {finished - checked:.1f} s")  # noqa: T201
    assert finished - started < 30


def test_an_imported_file_is_not_kept_and_names_no_file_on_the_timeline(
    client, regional_manager, prison
):
    client.force_login(regional_manager)
    run_url = _upload(client, HEADER + _row("A1000AA", last="Zqfilesurname"), "Zqfile.csv")[
        "Location"
    ]
    assert "Zqfile.csv" in client.get(run_url).content.decode()  # shown while it is checked
    assert client.post(run_url).status_code == 302
    run = ImportRun.objects.get()
    assert (run.content, run.filename) == ("", "")
    assert (run.row_count, run.imported_count) == (1, 1)  # counts are kept
    summary = TimelineEvent.objects.get(kind="enrolment").summary
    assert summary == "Enrolled at HMP Humber (imported from a CSV file)"
    assert "imported on" in client.get(run_url).content.decode()


def test_a_file_never_imported_is_deleted_by_retention_after_a_day(
    client, regional_manager, prison
):
    from django.core.management import call_command
    from freezegun import freeze_time

    client.force_login(regional_manager)
    with freeze_time(dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=25)):
        _upload(client, HEADER + _row("A1000AA"))
    client.force_login(regional_manager)  # a new session: the old one is idle
    assert _upload(client, HEADER + _row("B2000BB")).status_code == 302
    call_command("apply_retention")
    assert list(ImportRun.objects.values_list("row_count", "content")) == [
        (1, HEADER + _row("B2000BB"))
    ]
    from privacy.models import RetentionRun

    assert "Deleted 1 uploaded import file(s)" in RetentionRun.objects.get().summary
