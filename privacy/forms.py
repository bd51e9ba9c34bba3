from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from privacy.models import ErasureBasis


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
