import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils import timezone

from accounts.access import access_for
from accounts.models import Prison
from code4000.date_input import date_field
from reports.models import Partner

LONGEST_PERIOD_DAYS = 366 * 10


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months, ending today."""
    today = today or timezone.localdate()
    return today.replace(year=today.year - 1) + dt.timedelta(days=1), today


class ReportParametersForm(forms.Form):
    """A period and a set of prisons, narrowed to the prisons the user covers."""

    period_start = date_field("From", required_message="Enter the first day of the period")
    period_end = date_field("To", required_message="Enter the last day of the period")
    prisons = forms.ModelMultipleChoiceField(
        label="Prisons",
        queryset=Prison.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one prison"},
    )
    button_label = "Show figures"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # The page offers the last twelve months: a date left out means that default.
            start, end = default_period()
            self.data = self.data.copy()
            for name, default in (("period_start", start), ("period_end", end)):
                if not str(self.data.get(name, "")).strip():
                    self.data[name] = default.isoformat()
        self.fields["prisons"].queryset = Prison.objects.filter(
            access_for(user).prison_q("pk")
        ).order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *self.extra_fields(),
            Field("period_start"),
            Field("period_end"),
            Field("prisons"),
            Button("submit", self.button_label),
        )

    def extra_fields(self) -> list:
        return []

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", "The end of the period must be after its start")
            elif (end - start).days > LONGEST_PERIOD_DAYS:
                self.add_error("period_end", "Choose a period of 10 years or less")
        return cleaned


class PartnerReportForm(ReportParametersForm):
    partner = forms.ChoiceField(
        label="Partner",
        choices=[("", "Choose a partner"), *Partner.choices],
        error_messages={"required": "Choose the partner the report is for"},
    )
    button_label = "Make the report"

    field_order = ["partner", "period_start", "period_end", "prisons"]

    def extra_fields(self) -> list:
        return [Field("partner")]
