"""Personal data lives only where subject access, erasure and retention can find it.

One learner is enrolled by CSV import, given records by every app (the route matrix
world), and has a marker planted in every free-text field. Then every feature that
stores data runs on them: searches (caseload page and CSV), exports (caseload and
impact CSV, subject access JSON), the progress PDF, a partner report, the reminder
sweep (notifications and the outbox), page views (audit). Then the learner is
erased (two people) or passes the retention policy, and no text column of any
table, no binary column, no stored file may still hold a marker. After retention
the anonymised record must also match no stored row by prison, dates and birth
year. Tables, columns and files added later are searched without a change here."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader

from learners.models import Learner, StatusChange
from learners.timeline import timeline_record
from privacy.models import ErasureBasis, ErasureRequest
from tests.clients import StaffClient
from tests.factories import ConsentFactory
from tests.markers import plant_markers, tables_holding
from tests.routes import Who
from tests.world import World

pytestmark = pytest.mark.django_db

TAG = "Zqpd"
PRISON_NUMBER = "Z9876PD"
BORN = dt.date(1990, 6, 15)
# Long enough ago that retention anonymises the learner (6 years) but keeps the
# audit trail (7 years): a marker in an audit row would still be found.
THEN = timezone.now() - dt.timedelta(days=round(365.25 * 6.5))
IMPORT_MARKERS = [f"{TAG}importfirst", f"{TAG}importlast", f"{TAG}importfile"]
HEADER = "prison_number,first_name,last_name,date_of_birth,prison,joined_on\n"


def _import_learner(client: StaffClient, rm, prison, joined: dt.date) -> Learner:
    client.force_login(rm)
    row = (
        f"{PRISON_NUMBER},{TAG}importfirst,{TAG}importlast,{BORN:%d/%m/%Y},"
        f"{prison.code},{joined.isoformat()}\n"
    )
    upload = client.post(
        reverse("learners:import"),
        {"file": SimpleUploadedFile(f"{TAG}importfile.csv", (HEADER + row).encode())},
    )
    assert upload.status_code == 302, upload.content.decode()[-2000:]
    committed = client.post(upload["Location"], {"duplicates_checked": "on"})
    assert committed.status_code == 302, committed.content.decode()[-2000:]
    return Learner.objects.get(prison_number=PRISON_NUMBER)


def _world(client: StaffClient) -> World:
    joined = (timezone.now() - dt.timedelta(days=60)).date()

    def make_learner(prison, users):
        learner = _import_learner(client, users[Who.RM], prison, joined)
        Learner.objects.filter(pk=learner.pk).update(tutor=users[Who.TUTOR])
        learner.refresh_from_db()
        return learner

    world = World.build(make_learner=make_learner)
    learner, director = world.learner, world.users[Who.DIRECTOR]
    StatusChange.objects.create(
        learner=learner,
        field="course",
        from_status="referred",
        to_status="active",
        reason="x",
        changed_by=director,
    )
    ConsentFactory(learner=learner, kind="case_study")
    timeline_record(learner=learner, kind="details", summary="x", actor=director)
    timeline_record(
        learner=learner, kind="intervention", summary="x", actor=director, restricted=True
    )
    return world


def _use_every_feature(client: StaffClient, world: World, markers: list[str]) -> None:
    learner = world.learner
    surname = markers[1]
    for who in (Who.RM, Who.TUTOR, Who.DIRECTOR):
        client.force_login(world.users[who])
        for url in (
            reverse("learners:list") + f"?q={surname}",
            reverse("learners:list") + f"?q={PRISON_NUMBER}",
            reverse("reports:caseload_csv") + f"?q={surname}",
            reverse("learners:detail", args=[learner.pk]),
            reverse("learners:timeline", args=[learner.pk]),
            reverse("reports:learner_progress_pdf", args=[learner.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if url.startswith(reverse("reports:caseload_csv")):
                assert surname.encode() in body  # the search found the learner
    client.force_login(world.users[Who.DIRECTOR])
    for name in ("privacy:subject_access", "privacy:subject_access_json"):
        assert client.get(reverse(name, args=[learner.pk])).status_code == 200
    assert client.get(reverse("reports:impact_csv")).status_code == 200
    assert client.get(reverse("audit:list") + f"?learner_ref={learner.pk}").status_code == 200

    from notifications.services import reminders_run
    from reports.services import partner_report_request
    from reports.tasks import report_render_task

    reminders_run(trigger="beat")
    run, _ = partner_report_request(
        actor=world.users[Who.DIRECTOR],
        partner="moj",
        period_start=timezone.localdate() - dt.timedelta(days=365),
        period_end=timezone.localdate(),
        prisons=[world.prison],
    )
    report_render_task(run.pk)


def _erase(client: StaffClient, world: World) -> None:
    learner = world.learner
    client.force_login(world.users[Who.DIRECTOR])
    asked = client.post(
        reverse("privacy:erase", args=[learner.pk]),
        {
            "basis": ErasureBasis.ARTICLE_17,
            "reason": f"{TAG}reason typed by the director",
            "prison_number": PRISON_NUMBER,
        },
    )
    assert asked.status_code == 302
    erasure = ErasureRequest.objects.get(learner=learner)
    client.force_login(world.users[Who.ADMIN])
    decided = client.post(
        reverse("privacy:erasure_decide", args=[erasure.pk]),
        {"decision": "approve", "prison_number": PRISON_NUMBER},
    )
    assert decided.status_code == 302
    assert not Learner.objects.filter(pk=learner.pk).exists()


def _text_of(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def _stored_blobs(since: float):
    """Every value of every binary column, every file a FileField names, and every
    file written under MEDIA_ROOT during the test: (where, bytes)."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.BinaryField):
                for pk, value in model._base_manager.values_list("pk", field.attname):
                    if value:
                        yield f"{model._meta.db_table}.{field.column} {pk}", bytes(value)
            elif isinstance(field, models.FileField):
                for row in model._base_manager.exclude(**{field.attname: ""}):
                    stored = getattr(row, field.name)
                    if stored and stored.storage.exists(stored.name):
                        with stored.open("rb") as handle:
                            yield f"{model._meta.db_table}.{field.column} {row.pk}", handle.read()
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        for path in media.rglob("*"):
            if path.is_file() and path.stat().st_mtime >= since:
                yield str(path), path.read_bytes()


def _files_holding(markers: list[str], since: float) -> dict[str, list[str]]:
    found = {}
    for where, data in _stored_blobs(since):
        text = _text_of(data).lower()
        hits = [marker for marker in markers if marker.lower() in text]
        if hits:
            found[where] = hits
    return found


def _rows_holding_all(values: list[str]) -> list[str]:
    """Every table.column with one row whose text holds all of `values` at once."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
            [["character varying", "text", "jsonb", "json", "character"]],
        )
        for table, column in cursor.fetchall():
            condition = " AND ".join(f'"{column}"::text ILIKE %s' for _ in values)
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE {condition} LIMIT 1',  # noqa: S608
                [f"%{value}%" for value in values],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


@pytest.mark.parametrize("ending", ["erasure", "retention"])
def test_no_personal_data_is_left_outside_the_learners_records(ending):
    started = timezone.now().timestamp() - 1
    client = StaffClient()
    with freeze_time(THEN):
        world = _world(client)
        learner = world.learner
        joined, prison_code = learner.joined_on, world.prison.code
        markers = plant_markers(learner, TAG, prison_number=PRISON_NUMBER)
        markers += [*IMPORT_MARKERS, f"{TAG}reason"]
        assert len(markers) > 10
        _use_every_feature(client, world, markers)
        assert tables_holding(markers), "the markers were not planted"
        if ending == "erasure":
            _erase(client, world)
    if ending == "retention":
        call_command("apply_retention")
        learner.refresh_from_db()
        assert learner.anonymised_at is not None

    assert tables_holding(markers) == {}
    assert any(True for _ in _stored_blobs(started)), "no stored file was searched"
    assert _files_holding(markers, started) == {}
    if ending == "retention":
        # The anonymised record keeps its prison, dates and birth year: nothing stored
        # elsewhere may tie those back to the person.
        assert learner.date_of_birth == dt.date(BORN.year, 1, 1)
        for born in (BORN.isoformat(), f"{BORN:%d/%m/%Y}"):
            assert tables_holding([born]) == {}
        for joined_text in (joined.isoformat(), f"{joined:%d/%m/%Y}"):
            assert _rows_holding_all([joined_text, prison_code, str(BORN.year)]) == []
