"""CSV exports: formula neutralisation, the caseload scoped by access, audit."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from reports.csv_export import csv_text, neutralise
from tests.factories import LearnerFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("Jamie", "Jamie"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (12, 12),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_a_whole_file_reads_back_with_every_dangerous_cell_as_text():
    text = csv_text([("=1+1", "+1", "-1", "@x", "\tx", "\rx", "ok", 3)])
    row = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert row == ["'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "ok", "3"]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_caseload_csv_holds_only_the_users_prisons_and_is_neutralised(
    client, tutor, prison, other_prison
):
    LearnerFactory(prison=prison, first_name='=HYPERLINK("http://evil")', last_name="Aston")
    LearnerFactory(prison=prison, first_name="Bea", last_name="@Brown")
    LearnerFactory(prison=other_prison, first_name="Far", last_name="Away")
    client.force_login(tutor)
    response = client.get(reverse("reports:caseload_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:3] == ["Prison number", "First name", "Last name"]
    names = sorted((row[1], row[2]) for row in rows[1:])
    assert names == sorted([('\'=HYPERLINK("http://evil")', "Aston"), ("Bea", "'@Brown")])
    assert all(row[4] == "HMP Humber" for row in rows[1:])
    event = AuditEvent.objects.get(action="learners.caseload_csv")
    assert (event.actor, event.detail) == (tutor, {"learners": 2, "filters": {}})


@pytest.mark.django_db
def test_caseload_csv_follows_the_caseload_filters(client, director, prison, other_prison):
    LearnerFactory(prison=prison, last_name="Inside")
    LearnerFactory(prison=other_prison, last_name="Elsewhere")
    client.force_login(director)
    rows = _rows(client.get(reverse("reports:caseload_csv"), {"prison": other_prison.pk}))
    assert [row[2] for row in rows[1:]] == ["Elsewhere"]
    event = AuditEvent.objects.get(action="learners.caseload_csv")
    assert event.detail == {
        "learners": 1,
        "filters": {"prison": str(other_prison.pk)},
    }


@pytest.mark.django_db
def test_caseload_csv_for_a_director_covers_every_prison(client, director, prison, other_prison):
    LearnerFactory(prison=prison)
    LearnerFactory(prison=other_prison)
    client.force_login(director)
    assert len(_rows(client.get(reverse("reports:caseload_csv")))) == 3


@pytest.mark.django_db
def test_omu_staff_cannot_export_the_caseload(client, make_user, prison):
    client.force_login(make_user(Role.OMU, [prison]))
    assert client.get(reverse("reports:caseload_csv")).status_code == 403
    assert not AuditEvent.objects.filter(action="learners.caseload_csv").exists()


@pytest.mark.django_db
def test_impact_csv_is_for_directors_only(client, make_user, prison):
    url = reverse("reports:impact_csv")
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.DIRECTOR))
    bad = client.get(url, {"period_start": "2025-02-01", "period_end": "2025-01-01"})
    assert bad.status_code == 400
    assert "The end of the period must be after its start" in bad.content.decode()
