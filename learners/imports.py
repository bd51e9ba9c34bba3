"""CSV import of learners: check every row first (a preview that saves nothing but
the uploaded file), then import all rows or none.

The uploaded file holds personal data that no learner's record links to, so it is
kept only until it is imported (then the run keeps counts only) or, if never
imported, for IMPORT_FILE_KEPT: the nightly retention run deletes older previews.

Validation is set-based (one query for existing prison numbers, two for possible
duplicates: learners.selectors.duplicate_candidates) and the insert is bulk, so
10,000 rows import within one request: see tests/learners/test_import.py for the measured figure."""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import Capability, access_for
from accounts.selectors import prisons_for_user
from audit.services import audit_record
from learners.models import (
    PRISON_NUMBER_PATTERN,
    CourseStatus,
    CustodyStatus,
    ImportRun,
    ImportStatus,
    Learner,
    TimelineEvent,
    TimelineKind,
    learner_date_errors,
)
from learners.selectors import (
    DuplicateQuery,
    birth_date_slips,
    duplicate_candidates,
    normalised_name,
    possible_match_reason,
)

REQUIRED_COLUMNS = (
    "prison_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "prison",
    "joined_on",
)
OPTIONAL_COLUMNS = ("preferred_name", "earliest_release_on", "expected_release_on")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
COLUMN_LABELS = {
    "prison_number": "Prison number",
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "prison": "Prison code",
    "joined_on": "Date joined",
    "earliest_release_on": "Earliest release date",
    "expected_release_on": "Expected release date",
}
DATE_COLUMNS = ("date_of_birth", "joined_on", "earliest_release_on", "expected_release_on")
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
# No learner's row comes near this; a longer one is not a learner list.
MAX_ROW_CHARS = 5_000
BATCH = 2000
IMPORT_FILE_KEPT = dt.timedelta(hours=24)
_PRISON_NUMBER = re.compile(PRISON_NUMBER_PATTERN)


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate: str = ""
    cleaned: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportCheck:
    rows: list[ImportRow]
    file_errors: list[str]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def duplicate_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.duplicate]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows and bool(self.rows)


def _parse_date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(text)


_CSV_PROBLEMS = (
    ("field larger than field limit", "a value is far too long to be a learner's details"),
    ("unexpected end of data", "a quoted value is never closed"),
    ("expected after", "a quote mark is in the middle of a value"),
    ("new-line character seen in unquoted field", "a line ends in the middle of a value"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class MalformedFile(ValueError):
    """The upload cannot be read as a CSV file of learners; the message says why."""


def import_decode(data: bytes) -> str:
    """The uploaded bytes as text, or MalformedFile saying what is wrong.
    UTF-8 only (with or without a byte order mark), as spreadsheets save "CSV UTF-8"."""
    if not data.strip():
        raise MalformedFile("The file you chose is empty")
    if data.startswith(_UTF16_BOMS):
        raise MalformedFile(
            "The file is saved as UTF-16: save it again as CSV UTF-8 (comma delimited)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MalformedFile(
            f"The file must be saved as CSV UTF-8: line {line} has characters in another encoding"
        ) from exc
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise MalformedFile(
            f"Line {line} of the file contains a NUL character, so it is not a CSV "
            "file: save it again as CSV UTF-8"
        )
    return text


def _csv_rows(content: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (lower case) and each row as (line, {column: value}), read
    strictly; MalformedFile for anything a CSV writer would not produce."""
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header_row = next(reader, [])
        header = [name.replace("\ufeff", "").strip().lower() for name in header_row]
        missing = [COLUMN_LABELS[c] + f" ({c})" for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise MalformedFile(f"The file has no column for: {', '.join(missing)}")
        rows: list[tuple[int, dict[str, str]]] = []
        for line, raw in enumerate(reader, start=2):
            if sum(len(value) for value in raw) > MAX_ROW_CHARS:
                raise MalformedFile(
                    f"Line {line} of the file is longer than {MAX_ROW_CHARS:,} characters: "
                    "it is not a row of learner details"
                )
            values = {
                column: raw[position].strip()
                for position, column in enumerate(header)
                if column in COLUMNS and position < len(raw)
            }
            if not any(values.values()):
                continue
            rows.append((line, {column: values.get(column, "") for column in COLUMNS}))
            if len(rows) > MAX_ROWS:
                raise MalformedFile(f"The file has more than {MAX_ROWS:,} rows: split it")
    except csv.Error as exc:
        reason = next(
            (plain for known, plain in _CSV_PROBLEMS if known in str(exc)), "it is not valid CSV"
        )
        raise MalformedFile(f"Line {reader.line_num} of the file cannot be read: {reason}") from exc
    if not rows:
        raise MalformedFile("The file has no learners in it")
    return header, rows


def import_file_errors(content: str) -> list[str]:
    """Why the file as a whole cannot be read (nothing when it can)."""
    try:
        _csv_rows(content)
    except MalformedFile as exc:
        return [str(exc)]
    return []


def import_check_content(*, user, content: str) -> ImportCheck:
    """Every row's errors and likely duplicates. Reads only; saves nothing."""
    try:
        _header, parsed = _csv_rows(content)
    except MalformedFile as exc:
        return ImportCheck(rows=[], file_errors=[str(exc)])
    prisons = {p.code.upper(): p for p in prisons_for_user(user)}
    today = timezone.localdate()
    rows = [ImportRow(line=line, values=values) for line, values in parsed]

    seen_numbers: dict[str, int] = {}
    for row in rows:
        values, cleaned = row.values, row.cleaned
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                row.errors.append(f"{COLUMN_LABELS[column]} is missing")
        number = values["prison_number"].upper().replace(" ", "")
        if number and not _PRISON_NUMBER.match(number):
            row.errors.append(
                f"Prison number {values['prison_number']!r} is not in the format A1234BC"
            )
        elif number:
            if number in seen_numbers:
                row.errors.append(
                    f"Prison number {number} is also on line {seen_numbers[number]} of the file"
                )
            seen_numbers.setdefault(number, row.line)
        cleaned["prison_number"] = number
        for column in ("first_name", "last_name", "preferred_name"):
            if len(values[column]) > 100:
                row.errors.append(f"{COLUMN_LABELS[column]} must be 100 characters or fewer")
            cleaned[column] = values[column]
        code = values["prison"].upper()
        if code and code not in prisons:
            row.errors.append(f"Prison {values['prison']!r} is not a prison you cover")
        cleaned["prison"] = prisons.get(code)
        for column in DATE_COLUMNS:
            cleaned[column] = None
            if values[column]:
                try:
                    cleaned[column] = _parse_date(values[column])
                except ValueError:
                    row.errors.append(
                        f"{COLUMN_LABELS[column]} {values[column]!r} is not a date "
                        "(use YYYY-MM-DD or DD/MM/YYYY)"
                    )
        row.errors.extend(
            learner_date_errors(
                date_of_birth=cleaned["date_of_birth"],
                joined_on=cleaned["joined_on"],
                earliest_release_on=cleaned["earliest_release_on"],
                expected_release_on=cleaned["expected_release_on"],
                today=today,
            ).values()
        )

    existing = set(
        Learner.objects.filter(prison_number__in=list(seen_numbers)).values_list(
            "prison_number", flat=True
        )
    )
    for row in rows:
        if row.cleaned["prison_number"] in existing:
            row.errors.append(
                f"Prison number {row.cleaned['prison_number']} is already recorded: "
                "this learner is already enrolled"
            )
    _flag_possible_duplicates(user, rows)
    return ImportCheck(rows=rows, file_errors=[])


def _flag_possible_duplicates(user, rows: list[ImportRow]) -> None:
    """Mark each row that may be a learner already recorded (the national
    similarity check enrolment uses) or an earlier line of the same file (same
    name, with the date of birth the same or slipped)."""
    people = [
        DuplicateQuery(
            key=row.line,
            first_name=row.cleaned["first_name"],
            last_name=row.cleaned["last_name"],
            date_of_birth=row.cleaned["date_of_birth"],
        )
        for row in rows
        if row.cleaned["date_of_birth"] is not None
    ]
    recorded = duplicate_candidates(user, people)
    in_file: dict[tuple[str, dt.date], int] = {}
    for row in rows:
        born = row.cleaned["date_of_birth"]
        if born is None:
            continue
        name = normalised_name(row.cleaned["first_name"], row.cleaned["last_name"])
        if row.line in recorded:
            match = recorded[row.line][0]
            row.duplicate = (
                f"{match.reason} as the learner with prison number {match.learner.prison_number}"
                if match.learner
                else match.reason
            )
        else:
            earlier = [
                (in_file[(name, typed)], slip)
                for typed, slip in birth_date_slips(born).items()
                if (name, typed) in in_file
            ]
            if earlier:
                line, slip = min(earlier)
                reason = possible_match_reason(same_name=True, slip=slip)
                row.duplicate = f"{reason} as line {line} of the file"
        in_file.setdefault((name, born), row.line)


@transaction.atomic
def import_upload(*, actor, filename: str, content: str) -> tuple[ImportRun, ImportCheck]:
    """Store the uploaded file and check it. Nothing is imported yet."""
    access_for(actor).require(Capability.ENROL_LEARNER)
    check = import_check_content(user=actor, content=content)
    run = ImportRun.objects.create(
        uploaded_by=actor,
        # Shown on the preview until the import is committed; control characters dropped.
        filename="".join(char for char in filename if char.isprintable())[:255],
        content=content,
        row_count=len(check.rows),
        error_count=len(check.error_rows) + len(check.file_errors),
        duplicate_count=len(check.duplicate_rows),
    )
    audit_record(
        actor=actor,
        action="learner.import_check",
        obj=run,
        detail={"rows": run.row_count, "errors": run.error_count},
    )
    return run, check


@transaction.atomic
def import_commit(*, actor, run: ImportRun, duplicates_checked: bool) -> int:
    """Import every row of a checked file, or none: the file is checked again
    (records may have changed since the preview), any error refuses it all."""
    access_for(actor).require(Capability.ENROL_LEARNER)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status == ImportStatus.IMPORTED:
        raise ValidationError("This file has already been imported.")
    check = import_check_content(user=actor, content=run.content)
    if not check.ok:
        raise ValidationError("The file has errors: nothing was imported.")
    if check.duplicate_rows and not duplicates_checked:
        raise ValidationError(
            "Confirm that you have checked the likely duplicates before importing."
        )
    now = timezone.now()
    learners = [
        Learner(
            prison_number=row.cleaned["prison_number"],
            first_name=row.cleaned["first_name"],
            last_name=row.cleaned["last_name"],
            preferred_name=row.cleaned["preferred_name"],
            date_of_birth=row.cleaned["date_of_birth"],
            prison=row.cleaned["prison"],
            joined_on=row.cleaned["joined_on"],
            earliest_release_on=row.cleaned["earliest_release_on"],
            expected_release_on=row.cleaned["expected_release_on"],
            course_status=CourseStatus.REFERRED,
            custody_status=CustodyStatus.IN_CUSTODY,
            regional_manager=actor,
            created_at=now,
        )
        for row in check.rows
    ]
    Learner.objects.bulk_create(learners, batch_size=BATCH)
    if any(learner.pk is None for learner in learners):  # backends that return no ids
        by_number = dict(
            Learner.objects.filter(
                prison_number__in=[learner.prison_number for learner in learners]
            ).values_list("prison_number", "pk")
        )
        for learner in learners:
            learner.pk = by_number[learner.prison_number]
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                learner_id=learner.pk,
                kind=TimelineKind.ENROLMENT,
                # No file name: it may name people, and outlives the file.
                summary=f"Enrolled at {learner.prison.name} (imported from a CSV file)",
                actor=actor,
                occurred_at=now,
                object_type="learners.learner",
                object_id=str(learner.pk),
            )
            for learner in learners
        ],
        batch_size=BATCH,
    )
    run.status = ImportStatus.IMPORTED
    run.imported_count = len(learners)
    run.duplicate_lines = [row.line for row in check.duplicate_rows]
    run.imported_at = now
    # The file has done its work: the learners' records now hold what it said;
    # the run keeps its counts and row numbers only.
    run.content = ""
    run.filename = ""
    run.save(
        update_fields=[
            "status",
            "imported_count",
            "duplicate_lines",
            "imported_at",
            "content",
            "filename",
        ]
    )
    audit_record(
        actor=actor,
        action="learner.import",
        obj=run,
        detail={"rows": len(learners), "duplicates_flagged": len(check.duplicate_rows)},
    )
    return len(learners)


def import_previews_expired(now: dt.datetime):
    """Checked files never imported, older than IMPORT_FILE_KEPT (for retention)."""
    return ImportRun.objects.filter(
        status=ImportStatus.PREVIEWED, created_at__lt=now - IMPORT_FILE_KEPT
    )
