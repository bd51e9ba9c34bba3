"""Dates read "2 December 2026" everywhere (issue 17, item 7): one format
setting, not a format spelt out in each template."""

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# A day-month-year format written into a template, e.g. |date:"j M Y".
OWN_FORMAT = re.compile(r"""\|date:"[^"]*[jd][^"]*[FMmNnb][^"]*[Yy][^"]*\"""")


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_date_reads_day_month_in_full_and_year():
    day = dt.date(2026, 12, 2)
    assert render("{{ day|date }}", day=day) == "2 December 2026"
    assert render("{{ day }}", day=day) == "2 December 2026"


def test_a_time_of_day_follows_the_date():
    moment = dt.datetime(2026, 12, 2, 9, 5, tzinfo=timezone.get_current_timezone())
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', moment=moment) == "2 December 2026, 09:05"


def test_no_template_spells_out_its_own_date_format():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match}"
        for path in TEMPLATES.rglob("*.html")
        for match in OWN_FORMAT.findall(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
