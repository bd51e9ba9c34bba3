from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from accounts.models import User
from audit.models import Outcome
from code4000.date_input import date_field


class AuditFilterForm(forms.Form):
    """Filters for the audit viewer (a GET form: every field optional)."""

    actor = forms.ModelChoiceField(
        label="User",
        queryset=User.objects.order_by("full_name"),
        required=False,
        empty_label="Anyone",
    )
    learner_ref = forms.IntegerField(
        label="Learner reference",
        help_text="The learner's number in Learner Journey (shown in their page address).",
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    action = forms.CharField(
        label="Action",
        # The stored names are what this filter matches; shown as code, to be typed as it is.
        help_text=(
            "The stored name of an action or the start of one, for example "
            "<code>learner.view</code> or <code>auth.</code> for every sign-in action"
        ),
        required=False,
        max_length=80,
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Any"), *Outcome.choices], required=False
    )
    date_from = date_field("From", required=False)
    date_to = date_field("To", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field("actor"),
            Field.text("learner_ref", field_width=10),
            Field.text("action", field_width=20),
            Field("outcome"),
            Field("date_from"),
            Field("date_to"),
            Button("filter", "Apply filters"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned

    def filters(self) -> dict:
        """The filters to apply: none if the form is not valid."""
        return self.cleaned_data if self.is_bound and self.is_valid() else {}

    def as_detail(self) -> dict:
        """The filters as plain values, for the audit record of a view or export."""
        return {
            key: (str(value.pk) if hasattr(value, "pk") else str(value))
            for key, value in self.filters().items()
            if value not in (None, "")
        }
