"""A malformed CSV file is answered on the upload form with a clear message, and
nothing is saved: no import run (so no copy of the file), no learner. Known
defects first, then hypothesis feeds the real view broken files of every kind."""

import datetime as dt
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learners.models import ImportRun, Learner

pytestmark = pytest.mark.django_db
HEADER = (
    "prison_number,first_name,last_name,preferred_name,date_of_birth,prison,joined_on,"
    "earliest_release_on,expected_release_on\n"
)
JOINED = (dt.date.today() - dt.timedelta(days=30)).isoformat()  # noqa: DTZ011
GOOD_ROW = f"A1000AA,Ryan,Walker,,1990-01-02,HMI,{JOINED},,\n"


def _post(client, data: bytes, name: str = "learners.csv"):
    return client.post(
        reverse("learners:import"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def _form_error(response) -> str:
    assert response.status_code == 200, response.status_code
    html = unescape(response.content.decode())
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    return html


MALFORMED = {
    "nul byte": (
        (HEADER + GOOD_ROW.replace("Ryan", "Ry\x00an")).encode(),
        "Line 2 of the file contains a NUL character",
    ),
    "field over the csv limit": (
        (HEADER + GOOD_ROW.replace("Walker", '"' + "W" * 140_000 + '"')).encode(),
        "Line 2 of the file cannot be read: a value is far too long",
    ),
    "huge line": (
        (HEADER + GOOD_ROW.replace("Walker", "W" * 100_000)).encode(),
        "Line 2 of the file is longer than 5,000 characters",
    ),
    "quote never closed": (
        (HEADER + GOOD_ROW.replace("Ryan", '"Ryan')).encode(),
        "cannot be read: a quoted value is never closed",
    ),
    "quote inside a value": (
        (HEADER + GOOD_ROW.replace("Ryan", '"Ry"an')).encode(),
        "Line 2 of the file cannot be read: a quote mark is in the middle of a value",
    ),
    "windows-1252": (
        (HEADER + GOOD_ROW.replace("Walker", "Wålker")).encode("cp1252"),
        "The file must be saved as CSV UTF-8: line 2 has characters in another encoding",
    ),
    "mixed encodings": (
        (HEADER + GOOD_ROW.replace("Walker", "Wålker")).encode()
        + GOOD_ROW.replace("A1000AA", "B2000BB").replace("Ryan", "Rén").encode("latin-1"),
        "line 3 has characters in another encoding",
    ),
    "utf-16": ((HEADER + GOOD_ROW).encode("utf-16"), "The file is saved as UTF-16"),
    "only spaces": (b"  \n \r\n", "The file you chose is empty"),
    "empty": (b"", "The file you chose is empty"),
    "header only": (HEADER.encode(), "The file has no learners in it"),
    "no header": (GOOD_ROW.encode(), "The file has no column for"),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_file_is_answered_on_the_form_and_nothing_is_saved(
    client, regional_manager, prison, kind
):
    data, message = MALFORMED[kind]
    client.force_login(regional_manager)
    html = _form_error(_post(client, data))
    assert message in html
    assert not ImportRun.objects.exists()
    assert not Learner.objects.exists()


def test_byte_order_marks_are_read_as_utf8(client, regional_manager, prison):
    client.force_login(regional_manager)
    # A leading BOM (Excel's "CSV UTF-8") and a stray one before a header name.
    data = "\ufeff".encode() + HEADER.replace("first_name", "\ufefffirst_name").encode()
    response = _post(client, data + GOOD_ROW.encode())
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.row_count == 1 and run.error_count == 0


def test_control_characters_in_the_file_name_are_not_stored(client, regional_manager, prison):
    client.force_login(regional_manager)
    response = _post(client, (HEADER + GOOD_ROW).encode(), name="learn\x07ers\x1b.csv")
    assert response.status_code == 302
    assert ImportRun.objects.get().filename == "learners.csv"


# Pieces that break CSV readers, encodings and databases, mixed into a good file.
NASTY = st.sampled_from(
    [
        b"\x00",
        b'"',
        b'""',
        b"\r",
        b"\n",
        b"\r\n",
        b",",
        b"\xff",
        b"\xc3",
        b"\xed\xa0\x80",  # an encoded surrogate: not UTF-8
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        "é".encode("latin-1"),
        "ŵ".encode(),
        b"\x1b[31m",
        b"W" * 140_000,
        b'"' + b"Q" * 132_000 + b'"',
        b"=cmd|' /C calc'!A0",
        b"\t",
        b"\\",
    ]
)


@st.composite
def broken_files(draw) -> bytes:
    lines = [HEADER.encode()] + [
        GOOD_ROW.replace("A1000AA", f"A{1000 + n}AA").encode()
        for n in range(draw(st.integers(0, 3)))
    ]
    data = b"".join(lines)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(NASTY) + data[at:]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.booleans()):
        data += draw(st.binary(max_size=64))
    return data


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.one_of(broken_files(), st.binary(max_size=300)))
def test_no_broken_file_gets_a_500_or_saves_a_bad_file(client, regional_manager, prison, data):
    client.force_login(regional_manager)
    runs_before = ImportRun.objects.count()
    response = _post(client, data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        _form_error(response)
        assert ImportRun.objects.count() == runs_before
        return
    # Accepted: it parsed, so the preview (and a commit) must answer without a 500.
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    committed = client.post(response["Location"], {"duplicates_checked": "on"})
    assert committed.status_code in (200, 302), committed.status_code
    assert "\x00" not in ImportRun.objects.latest("pk").content
    Learner.objects.all().delete()
