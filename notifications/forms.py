from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from notifications.models import EmailMode


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label="How should we email you reminders?",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you want reminders by email"},
    )
    weekly_digest = forms.BooleanField(
        label="Send me a weekly digest of my prisons' due and overdue work",
        required=False,
    )

    def __init__(self, *args, show_weekly: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.radios("email_mode", legend_size="m")]
        if show_weekly:
            fields.append(Field.checkbox("weekly_digest"))
        else:
            del self.fields["weekly_digest"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, Button("submit", "Save preferences"))
