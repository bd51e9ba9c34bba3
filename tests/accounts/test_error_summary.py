"""The error summary links each error to its field: the link's target must be an
element of the form as crispy-forms-gds renders it."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.template import Context, Template


class Question(forms.Form):
    name = forms.CharField(label="Name")
    colour = forms.ChoiceField(
        label="Colour", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect
    )
    pets = forms.MultipleChoiceField(
        label="Pets",
        choices=[("cat", "Cat"), ("dog", "Dog")],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name"), Field.radios("colour"), Field.checkboxes("pets")
        )


PAGE = Template(
    '{% load crispy_forms_tags %}{% include "includes/error_summary.html" with forms=form %}'
    "<form>{% crispy form %}</form>"
)


def test_every_error_summary_link_reaches_its_field():
    html = PAGE.render(Context({"form": Question(data={})}))
    targets = re.findall(r'<a href="#([^"]+)">', html)
    # The text field itself, and the first radio and first checkbox of each group.
    assert targets == ["id_name", "id_colour_1", "id_pets_1"]
    for target in targets:
        assert f'id="{target}"' in html, f"the summary links to #{target}, not on the page"
