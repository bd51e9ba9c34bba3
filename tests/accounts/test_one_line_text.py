"""Names and other one-line text refuse line breaks, tabs and control characters
with a clear message, through one mechanism for every form and model field."""

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import User
from accounts.one_line_text import ONE_LINE_MESSAGE, one_line_model_fields, project_models

pytestmark = pytest.mark.django_db

BAD = [
    "Jamie\r\nBcc: everyone@example.org",
    "Jamie\nDoyle",
    "Jamie\tDoyle",
    "Ja\x00mie",
    "Ja\x1bmie",
    "Jamie\u2028Doyle",
    "Jamie\u202eelyoD",
    "Ja\x85mie",
]


@pytest.mark.parametrize("value", BAD)
def test_a_one_line_form_field_refuses_control_characters(value):
    for field in (forms.CharField(), forms.CharField(widget=forms.TextInput), forms.EmailField()):
        with pytest.raises(ValidationError) as raised:
            field.clean(value)
        assert ONE_LINE_MESSAGE in raised.value.messages or isinstance(field, forms.EmailField)


def test_multi_line_and_password_fields_keep_their_characters():
    assert forms.CharField(widget=forms.Textarea).clean("line one\r\nline two") == (
        "line one\r\nline two"
    )
    assert forms.CharField(widget=forms.PasswordInput, strip=False).clean("a\tb") == "a\tb"
    assert forms.CharField().clean("Siân O'Brien-Nuñez") == "Siân O'Brien-Nuñez"


def test_every_one_line_model_field_of_the_project_refuses_them():
    fields = one_line_model_fields(settings.BASE_DIR)
    apps = {model._meta.app_label for model in project_models(settings.BASE_DIR)}
    assert {"accounts", "learners", "reviews", "resettlement", "audit"} <= apps
    assert len(fields) > 20
    for field in fields:
        with pytest.raises(ValidationError) as raised:
            field.run_validators("one\r\ntwo")
        assert ONE_LINE_MESSAGE in raised.value.messages, field
    for model in project_models(settings.BASE_DIR):
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField):
                field.run_validators("one\r\ntwo")  # multi-line text keeps its lines


def test_full_clean_refuses_a_name_with_a_line_break(prison):
    user = User(email="new.person@example.org", full_name="New\r\nPerson", role="tutor")
    with pytest.raises(ValidationError) as raised:
        user.full_clean(exclude=["password"])
    assert raised.value.message_dict["full_name"] == [ONE_LINE_MESSAGE]
