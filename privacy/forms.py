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
            Field.text("prison_number", field_width=10),
            Button.warning("erase", "Erase this learner's record"),
        )

    def clean_prison_number(self) -> str:
        typed = self.cleaned_data["prison_number"].strip().upper()
        if typed != self.learner.prison_number:
            raise forms.ValidationError("The prison number does not match this learner's")
        return typed
