import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils import timezone

from accounts.access import access_for
from accounts.models import Prison
from reports.models import Partner

LONGEST_PERIOD_DAYS = 366 * 10


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months, ending today."""
    today = today or timezone.localdate()
    return today.replace(year=today.year - 1) + dt.timedelta(days=1), today


class ReportParametersForm(forms.Form):
    """A period and a set of prisons, narrowed to the prisons the user covers."""

    period_start = forms.DateField(
        label="From",
        # A date input takes only ISO dates: in the en-GB format it would show empty.
        widget=forms.DateInput(
            format="%Y-%m-%d",
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"},
        ),
        error_messages={"required": "Enter the first day of the period"},
    )
    period_end = forms.DateField(
        label="To",
        # A date input takes only ISO dates: in the en-GB format it would show empty.
        widget=forms.DateInput(
            format="%Y-%m-%d",
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"},
        ),
        error_messages={"required": "Enter the last day of the period"},
    )
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


# Pages for learners themselves (issue 18): laid out in their own templates,
# mobile first, so the fields are plain.


class BirthDateForm(forms.Form):
    """Day, month and year, as GOV.UK asks for a date of birth."""

    day = forms.IntegerField(min_value=1, max_value=31, required=False)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)
    year = forms.IntegerField(min_value=1900, max_value=2100, required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            self.errors.clear()
            raise forms.ValidationError("Enter your date of birth as a real date, like 31 8 1985")
        parts = (data.get("day"), data.get("month"), data.get("year"))
        if not all(parts):
            raise forms.ValidationError("Enter your date of birth: the day, month and year")
        try:
            data["date_of_birth"] = dt.date(parts[2], parts[1], parts[0])
        except ValueError as exc:
            raise forms.ValidationError(
                "Enter your date of birth as a real date, like 31 8 1985"
            ) from exc
        return data


class SelfReportForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="What are you doing now?",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select what you are doing now"},
    )
    employer_or_course = forms.CharField(
        label="Employer or course (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Employer or course must be 200 characters or fewer"},
    )
    wants_support = forms.ChoiceField(
        label="Would you like support from Code4000?",
        choices=(("yes", "Yes, please get in touch"), ("no", "No, not at the moment")),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you would like support"},
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = list(kinds)

    def clean_kinds(self):
        kinds = self.cleaned_data["kinds"]
        if "not_in_activity" in kinds and len(kinds) > 1:
            raise forms.ValidationError(
                "Select 'None of these at the moment' on its own, or the things you are doing"
            )
        return kinds
