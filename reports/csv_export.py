"""CSV files that are safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return can be
taken for a formula by Excel, LibreOffice or Google Sheets; `neutralise` puts an
apostrophe in front so it is shown as text. Numbers that are real numbers are
written as numbers (they are not strings, so they are left alone).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

from reports.disclosure import FiguresShown

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel reads UTF-8
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    return "".join(csv_lines(rows))


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CASELOAD_HEADERS = (
    "Prison number",
    "First name",
    "Last name",
    "Preferred name",
    "Prison",
    "Course status",
    "Custody status",
    "Joined",
    "Expected release",
    "Next review due",
    "Tutor",
    "Regional manager",
)


def _date(value) -> str:
    return value.isoformat() if value else ""


def caseload_rows(learners) -> Iterator[tuple[object, ...]]:
    """One row per learner. `learners` comes from `learner_list_for_user`, so it
    holds only what the user may see; only identity and status fields are written."""
    yield CASELOAD_HEADERS
    for learner in learners.iterator(chunk_size=2000):
        yield (
            learner.prison_number,
            learner.first_name,
            learner.last_name,
            learner.preferred_name,
            learner.prison.name,
            learner.get_course_status_display(),
            learner.get_custody_status_display(),
            _date(learner.joined_on),
            _date(learner.expected_release_on),
            _date(learner.next_review_due_on),
            learner.tutor.full_name if learner.tutor else "",
            learner.regional_manager.full_name if learner.regional_manager else "",
        )


def impact_rows(figures: FiguresShown) -> Iterator[tuple[object, ...]]:
    """The released impact figures: this file leaves the organisation."""
    yield ("Code4000 impact figures",)
    yield ("Period", _date(figures.period_start), _date(figures.period_end))
    yield ("Prisons", figures.prison_names)
    yield (
        "Counts are rounded to the nearest 5; 'fewer than 5' is a count from 1 to 4; "
        "'withheld' is held back so that a small number cannot be worked out; 0 is none.",
    )
    yield ()
    yield ("Figure", "Value", "Denominator")
    for row in figures.headline_rows:
        yield (row.label, row.text, row.base.text if row.base is not None else "")
    for group in figures.outcome_groups:
        yield ()
        yield (f"Outcomes at the latest follow-up among {group.group}",)
        yield ("Released", group.released.text)
        yield ("With a follow-up recorded (the denominator)", group.followed_up.text)
        if group.self_reported is not None:
            yield (
                "Of which reported by the learners themselves and then confirmed",
                group.self_reported.text,
            )
        yield ("Outcome", "Learners", "Share")
        for line in group.lines:
            yield (line.label, line.count.text, line.share)
    yield ()
    yield ("Per quarter", "New starters", "Graduates", "Releases")
    for quarter in figures.quarters:
        yield (
            quarter.label,
            quarter.starters.text,
            quarter.graduates.text,
            quarter.releases.text,
        )
    if figures.has_reviews:
        yield ()
        yield ("Reviews held on time, by prison", "Share", "Reviews with a due date")
        for prison in figures.reviews_by_prison:
            yield (prison.prison, prison.share, prison.with_due.text)
