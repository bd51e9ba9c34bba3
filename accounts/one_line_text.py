"""One-line text refuses line breaks, tabs and other control characters.

A name typed with CR/LF (or a NUL, a bidi override) would be stored as typed and
then shown in page titles, CSV exports and email headers. One mechanism, installed
once from AccountsConfig.ready(), covers every one-line text field:

- Forms: every `forms.CharField` whose widget is a one-line input (not a
  textarea, a password or a hidden input) runs `refuse_control_characters`
  when it validates, so the person gets the message on the field itself.
- Models: every `models.CharField` of the project's own apps gets the same
  validator, so `full_clean()` in a service refuses what did not come through a
  form (an import, a script). It is added as a default validator of the field
  instance, which migrations do not record, so no app needs a migration.
  Multi-line fields are `TextField`s and keep their line breaks.
"""

import unicodedata
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

ONE_LINE_MESSAGE = "Enter this on one line, without line breaks, tabs or other control characters"
# Bidirectional overrides, embeddings and isolates: they reorder what is shown.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters, and the Unicode line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def has_control_characters(text: str) -> bool:
    return any(
        char in BIDI_CONTROLS or unicodedata.category(char) in REFUSED_CATEGORIES for char in text
    )


@deconstructible(path="accounts.one_line_text.OneLineValidator")
class OneLineValidator:
    message = ONE_LINE_MESSAGE
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, OneLineValidator)

    def __hash__(self) -> int:
        return hash(self.code)


refuse_control_characters = OneLineValidator()

MULTI_LINE_OR_UNSHOWN = (forms.Textarea, forms.PasswordInput, forms.HiddenInput, forms.FileInput)


def is_one_line(field: forms.Field) -> bool:
    widget = field.widget
    return isinstance(widget, forms.widgets.Input) and not isinstance(widget, MULTI_LINE_OR_UNSHOWN)


def _install_on_form_fields() -> None:
    if getattr(forms.CharField.validate, "one_line_text", False):
        return
    original = forms.CharField.validate

    def validate(self, value) -> None:
        original(self, value)
        if is_one_line(self):
            refuse_control_characters(value)

    validate.one_line_text = True
    forms.CharField.validate = validate


def project_models(base_dir: Path) -> list[type[models.Model]]:
    """Models of the project's own apps (not Django's or third parties')."""
    from django.apps import apps

    base = Path(base_dir).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base in path.parents and ".venv" not in path.parts and "site-packages" not in path.parts:
            found.extend(config.get_models())
    return found


def one_line_model_fields(base_dir: Path) -> list[models.CharField]:
    return [
        field
        for model in project_models(base_dir)
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField) and field.model is model
    ]


def _install_on_model_fields(base_dir: Path) -> None:
    for field in one_line_model_fields(base_dir):
        if refuse_control_characters in field.default_validators:
            continue
        field.default_validators = [*field.default_validators, refuse_control_characters]
        field.__dict__.pop("validators", None)  # a cached_property


def install(base_dir: Path) -> None:
    _install_on_form_fields()
    _install_on_model_fields(base_dir)
