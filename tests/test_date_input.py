"""Dates staff type use the GOV.UK date input (issue 17, item 7): day, month and
year boxes, one hint, one message for the group, and an error summary that links
to the day box. No form in the project keeps a browser `type=date` picker."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from code4000.date_input import DateInputField, date_field
from learners.models import Learner, Transfer
from tests.factories import LearnerFactory

CRISPY = Template("{% load crispy_forms_tags %}{{ form|crispy }}")


def rendered(form) -> str:
    return CRISPY.render(Context({"form": form}))


class DateForm(forms.Form):
    held_on = date_field("Date held")
    born_on = date_field("Date of birth", required=False, past=True)
    due_on = date_field("Due date", required=False, future=True)


def boxes(name: str, day="", month="", year="") -> dict[str, str]:
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def errors_of(data: dict[str, str]) -> dict[str, list[str]]:
    form = DateForm(data)
    form.is_valid()
    return form.errors


def test_a_date_typed_in_three_boxes_is_read_day_month_year():
    form = DateForm(boxes("held_on", "27", "3", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2026, 3, 27)
    assert form.cleaned_data["born_on"] is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2026", "Date held must be a real date, for example 27 3 2026"),
        ("29", "2", "2025", "Date held must be a real date, for example 27 3 2026"),
        ("1", "13", "2026", "Date held must be a real date, for example 27 3 2026"),
        ("first", "3", "2026", "Date held must be a real date, for example 27 3 2026"),
        ("27", "3", "26", "Date held must be a real date, for example 27 3 2026"),
        ("27", "", "2026", "Date held must include a month"),
        ("27", "", "", "Date held must include a month and a year"),
        ("", "3", "2026", "Date held must include a day"),
        ("", "", "", "Enter the date held"),
    ],
)
def test_a_wrong_or_partial_date_gets_one_message_for_the_group(day, month, year, message):
    assert errors_of(boxes("held_on", day, month, year)) == {"held_on": [message]}


@freeze_time("2026-12-02 10:00")
def test_past_and_future_rules():
    data = boxes("held_on", "2", "12", "2026")
    past = errors_of({**data, **boxes("born_on", "3", "12", "2026")})
    assert past == {"born_on": ["Date of birth must be today or in the past"]}
    future = errors_of({**data, **boxes("due_on", "1", "12", "2026")})
    assert future == {"due_on": ["Due date must be today or in the future"]}
    assert errors_of({**data, **boxes("born_on", "2", "12", "2026")}) == {}


def test_a_date_in_one_piece_as_iso_still_reads():
    """Links and scripts that send "2026-03-27" under the field's name still work."""
    form = DateForm({"held_on": "2026-03-27"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2026, 3, 27)
    assert errors_of({"held_on": "2026-02-30"}) == {
        "held_on": ["Date held must be a real date, for example 27 3 2026"]
    }


def test_the_boxes_are_labelled_hinted_and_refilled():
    form = DateForm(boxes("held_on", "31", "2", "2026"))
    form.is_valid()
    html = render_to_string("includes/error_summary.html", {"forms": form}) + rendered(form)
    # The error summary links to the day box, the first of the group.
    assert 'href="#id_held_on_0"' in html
    for label in ("Day", "Month", "Year"):
        assert f">{label}</label>" in html
    assert 'id="id_held_on_0"' in html and 'value="31"' in html and 'value="2"' in html
    assert "For example, 27 3 2026" in html
    assert "<legend" in html and 'type="date"' not in html
    assert html.count("Date held must be a real date") == 2  # summary and the field


def test_an_initial_date_fills_the_boxes():
    form = DateForm(initial={"held_on": dt.date(2026, 3, 7)})
    html = rendered(form)
    assert 'value="7"' in html and 'value="3"' in html and 'value="2026"' in html


def _forms_in_project() -> list[type[forms.BaseForm]]:
    found = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in {
            "accounts",
            "audit",
            "learners",
            "reviews",
            "resettlement",
            "reports",
            "notifications",
            "privacy",
            "configuration",
        }:
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, forms.BaseForm)
            and value.__module__ == module.__name__
        )
    return found


def test_every_date_field_staff_type_is_the_govuk_date_input():
    browser_pickers = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _forms_in_project()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        or getattr(field.widget, "input_type", "") in {"date", "datetime-local"}
    ]
    assert browser_pickers == []
    assert any(
        isinstance(field, DateInputField)
        for form in _forms_in_project()
        for field in form.base_fields.values()
    )


@pytest.mark.django_db
def test_a_form_page_takes_the_boxes_and_saves_the_date(
    client, regional_manager, tutor, prison, other_prison
):
    """End to end on one page: the transfer form reads its date from the three boxes,
    and a half-typed date re-renders with the summary and saves nothing."""
    today = timezone.localdate()
    learner = LearnerFactory(prison=prison, tutor=tutor, joined_on=today - dt.timedelta(days=90))
    client.force_login(regional_manager)
    url = reverse("learners:transfer", kwargs={"pk": learner.pk})
    data = {"to_prison": other_prison.pk, "reason": "Closer to family"}
    response = client.post(url, {**data, **boxes("transferred_on", "", str(today.month), "")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Date of transfer must include a day and a year" in page
    assert 'href="#id_transferred_on_0"' in page
    assert not Transfer.objects.exists()

    yesterday = today - dt.timedelta(days=1)
    day, month, year = str(yesterday.day), str(yesterday.month), str(yesterday.year)
    response = client.post(url, {**data, **boxes("transferred_on", day, month, year)})
    assert response.status_code == 302
    assert Transfer.objects.get().transferred_on == yesterday
    assert Learner.objects.get(pk=learner.pk).prison == other_prison
