import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils import timezone

from code4000.date_input import DateInputField, date_field
from privacy.models import DATA_REQUEST_CLOSED, DataRequestKind, ErasureBasis


class ErasureForm(forms.Form):
    """Confirmation of an erasure: the reason in law, and the prison number typed again."""

    basis = forms.ChoiceField(
        label="Why must this learner's record be erased?",
        choices=ErasureBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the record must be erased"},
    )
    reason = forms.CharField(
        label="Explain the request to the person who will approve it",
        help_text="For example, how the learner asked and how you checked who they are.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Explain the request to the person who will approve it",
            "max_length": "The explanation must be 2,000 characters or fewer",
        },
    )
    prison_number = forms.CharField(
        label="Type the learner's prison number to confirm",
        max_length=7,
        error_messages={"required": "Type the learner's prison number to confirm"},
    )

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("basis", legend_size="m"),
            Field.textarea("reason"),
            Field.text("prison_number", field_width=10),
            Button.warning("erase", "Ask for this record to be erased"),
        )

    def clean_prison_number(self) -> str:
        typed = self.cleaned_data["prison_number"].strip().upper()
        if typed != self.learner.prison_number:
            raise forms.ValidationError("The prison number does not match this learner's")
        return typed


class ErasureDecisionForm(forms.Form):
    """The second person's decision. Approving needs the prison number typed again."""

    decision = forms.ChoiceField(
        label="Do you approve this erasure?",
        choices=[
            ("approve", "Yes, erase this learner's record now"),
            ("decline", "No, decline the request"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve this erasure"},
    )
    prison_number = forms.CharField(
        label="To approve, type the learner's prison number",
        max_length=7,
        required=False,
    )

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("decision", legend_size="m"),
            Field.text("prison_number", field_width=10),
            Button.warning("decide", "Record my decision"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve":
            typed = (cleaned.get("prison_number") or "").strip().upper()
            if not typed:
                self.add_error("prison_number", "Type the learner's prison number to approve")
            elif typed != self.learner.prison_number:
                self.add_error("prison_number", "The prison number does not match this learner's")
        return cleaned


def _date_field(label: str) -> DateInputField:
    return date_field(label)


def _not_future(value: dt.date, label: str) -> dt.date:
    if value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return value


class DataRequestForm(forms.Form):
    """A new subject access or erasure request, as it was received."""

    kind = forms.ChoiceField(
        label="What did the learner ask for?",
        choices=DataRequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the learner asked for"},
    )
    received_on = _date_field("Date received")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "received_on"
        ].help_text = "The answer is due one calendar month from this date."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size="m"),
            Field("received_on"),
            Button("log", "Add to the register"),
        )

    def clean_received_on(self) -> dt.date:
        return _not_future(self.cleaned_data["received_on"], "The date received")


class DataRequestExtendForm(forms.Form):
    extension_reason = forms.CharField(
        label="Why does the answer need longer?",
        help_text="For example, the request is complex or one of several. Tell the learner "
        "within the first month.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the deadline is extended",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("extension_reason"), Button("extend", "Extend the deadline")
        )


class DataRequestCloseForm(forms.Form):
    status = forms.ChoiceField(
        label="How was the request closed?",
        choices=[(status.value, status.label) for status in DATA_REQUEST_CLOSED],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the request was closed"},
    )
    outcome = forms.CharField(
        label="What was done",
        help_text="For example, how the export was sent, or why the request was refused.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what was done",
            "max_length": "What was done must be 2,000 characters or fewer",
        },
    )
    closed_on = _date_field("Date closed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("status", legend_size="m"),
            Field.textarea("outcome"),
            Field("closed_on"),
            Button("close", "Close the request"),
        )

    def clean_closed_on(self) -> dt.date:
        return _not_future(self.cleaned_data["closed_on"], "The date closed")
