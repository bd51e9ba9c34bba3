import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils import timezone

from accounts.access import access_for
from accounts.models import Prison
from code4000.date_input import date_field
from reports.models import JusticeDataLabResult, Partner

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


class CaseStudyStartForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=150,
        help_text='A short title with no name in it, for example "From first line of code to a '
        'first job"',
        error_messages={"required": "Enter a title for the case study"},
    )
    quotes = forms.MultipleChoiceField(
        label="Quotes from the learner's own words in their reviews",
        help_text="Choose any to include. Names, places and dates in them are replaced.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, quote_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quotes"].choices = quote_choices
        layout = [Field("title")]
        if quote_choices:
            layout.append(Field("quotes"))
        else:
            del self.fields["quotes"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*layout, Button("submit", "Start the case study"))


class CaseStudyEditForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=150, error_messages={"required": "Enter a title"}
    )
    body = forms.CharField(
        label="The case study",
        help_text="Headings start with ##, quotes with >, list items with -. "
        "Leave a blank line between paragraphs.",
        widget=forms.Textarea(attrs={"rows": 24}),
        error_messages={"required": "Enter the text of the case study"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("title"), Field("body"), Button("submit", "Save"))


class CaseStudyReturnForm(forms.Form):
    note = forms.CharField(
        label="What the author should change",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a note for the author"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("note"),
            Button("submit", "Return to the author", css_class="govuk-button--secondary"),
        )


class JusticeDataLabCohortForm(forms.Form):
    period_start = date_field(
        "Joined the course from", required_message="Enter the first day of the period"
    )
    period_end = date_field(
        "Joined the course up to", required_message="Enter the last day of the period"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("period_start"), Field("period_end"), Button("export", "Export the cohort (CSV)")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be after its start")
        return cleaned


class JusticeDataLabResultForm(forms.ModelForm):
    published_on = date_field(
        "Date of the Lab's report", past=True, required_message="Enter the date of the Lab's report"
    )

    class Meta:
        model = JusticeDataLabResult
        fields = [
            "published_on",
            "measured_rate",
            "comparison_rate",
            "interval_low",
            "interval_high",
        ]
        error_messages = {
            "measured_rate": {"required": "Enter the reoffending rate of Code4000 participants"},
            "comparison_rate": {"required": "Enter the reoffending rate of the comparison group"},
            "interval_low": {"required": "Enter the lower end of the confidence interval"},
            "interval_high": {"required": "Enter the upper end of the confidence interval"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("measured_rate", "comparison_rate", "interval_low", "interval_high"):
            self.fields[name].widget.attrs.update(
                {"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("published_on"),
            Field("measured_rate"),
            Field("comparison_rate"),
            Field("interval_low"),
            Field("interval_high"),
            Button("record", "Record the result"),
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("measured_rate", "comparison_rate"):
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= 100:
                self.add_error(name, "Enter a rate between 0 and 100")
        low, high = cleaned.get("interval_low"), cleaned.get("interval_high")
        if low is not None and high is not None and high < low:
            self.add_error("interval_high", "The upper end must not be below the lower end")
        return cleaned
