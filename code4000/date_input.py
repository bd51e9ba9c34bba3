"""The one date field for dates staff type: the GOV.UK date input (day, month and
year boxes, one hint "For example, 27 3 2026", one error message for the group).
A browser's own `type=date` picker shows the American order in some browsers and
cannot be read back the way people say a date in the UK (issue 17, item 7).

Every app's forms build their date fields with `date_field(...)`; crispy-forms-gds
renders a MultiWidget as a fieldset with the label as its legend, and the error
summary links to the day box (`lj_forms.form_errors`)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

EXAMPLE = "For example, 27 3 2026"
PARTS = ("day", "month", "year")


class DateInputWidget(forms.MultiWidget):
    """Three boxes, labelled Day, Month and Year, that take numbers."""

    template_name = "gds/widgets/date.html"  # crispy-forms-gds: labels each box

    def __init__(self, attrs=None):
        def box(label: str, width: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "label": label,
                    "inputmode": "numeric",
                }
            )

        super().__init__([box("Day", 2), box("Month", 2), box("Year", 4)], attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if any(part not in (None, "") for part in parts) or name not in data:
            return parts
        # One ISO date under the field's own name ("2026-03-27"), as scripts,
        # links with a date in the query and older clients send it.
        whole = data.get(name) or ""
        if isinstance(whole, dt.date):
            return self.decompress(whole)
        whole = str(whole).strip()
        iso = re.fullmatch(r"(\d+)-(\d+)-(\d+)", whole)
        if iso:
            year, month, day = iso.groups()
            return [day, month, year]
        # Anything else in one piece is not a date in any order: it fails as one.
        return [whole, whole, whole] if whole else parts


class DateInputField(forms.MultiValueField):
    """A date typed as day, month and year. Errors name the field in words, as the
    GOV.UK pattern asks: "Date of birth must include a month", "... must be a real
    date", and, with `past=True` or `future=True`, "... must be today or in the past"."""

    widget = DateInputWidget

    def __init__(
        self,
        *,
        label: str,
        past: bool = False,
        future: bool = False,
        required_message: str = "",
        **kwargs,
    ):
        self.past, self.future = past, future
        name = label[:1].lower() + label[1:]
        self.messages = {
            "required": required_message or f"Enter the {name}",
            "incomplete": f"{label} must include a {{part}}",
            "invalid": f"{label} must be a real date, for example 27 3 2026",
            "past": f"{label} must be today or in the past",
            "future": f"{label} must be today or in the future",
        }
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} {EXAMPLE}".strip() if help_text else EXAMPLE
        parts = [forms.CharField(required=False) for _ in PARTS]
        super().__init__(
            fields=parts,
            label=label,
            require_all_fields=False,
            error_messages={"required": self.messages["required"]},
            **kwargs,
        )

    def clean(self, value):
        value = list(value or ["", "", ""])
        value = [str(part).strip() if part is not None else "" for part in value]
        if not any(value):
            if self.required:
                raise forms.ValidationError(self.messages["required"], code="required")
            return None
        missing = [part for part, text in zip(PARTS, value, strict=True) if not text]
        if missing:
            raise forms.ValidationError(
                self.messages["incomplete"].format(part=" and a ".join(missing)),
                code="incomplete",
            )
        if not all(re.fullmatch(r"\d{1,2}", text) for text in value[:2]) or not re.fullmatch(
            r"\d{4}", value[2]
        ):
            raise forms.ValidationError(self.messages["invalid"], code="invalid")
        try:
            date = dt.date(int(value[2]), int(value[1]), int(value[0]))
        except ValueError:
            raise forms.ValidationError(self.messages["invalid"], code="invalid") from None
        today = timezone.localdate()
        if self.past and date > today:
            raise forms.ValidationError(self.messages["past"], code="past")
        if self.future and date < today:
            raise forms.ValidationError(self.messages["future"], code="future")
        self.run_validators(date)
        return date

    def compress(self, data_list):  # clean() builds the date itself
        return None

    def has_changed(self, initial, data) -> bool:
        try:
            data = self.clean(data)
        except forms.ValidationError:
            return True
        if isinstance(initial, str):
            try:
                initial = dt.date.fromisoformat(initial)
            except ValueError:
                return True
        return initial != data


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    past: bool = False,
    future: bool = False,
    required_message: str = "",
) -> DateInputField:
    return DateInputField(
        label=label,
        required=required,
        help_text=help_text,
        past=past,
        future=future,
        required_message=required_message,
    )
