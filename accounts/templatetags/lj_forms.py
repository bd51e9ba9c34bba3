"""Template helpers shared by every form page."""

from django import forms, template

from code4000.plain_words import in_sentence as _in_sentence

register = template.Library()


def _first_widget_id(field: forms.BoundField) -> str:
    """The id of the element an error should link to: the first radio or checkbox
    of a group, the first part of a multi-part field, or the field itself.

    crispy-forms-gds numbers radios and checkboxes from 1 (`id_<name>_1`), unlike
    Django's own widgets (from 0): every form page renders them with crispy, so a
    link to `_0` reached nothing and the error summary could not take a keyboard
    or screen-reader user to the question."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def form_errors(forms_or_form) -> list[tuple[str, str]]:
    """(field id, message) for every error of one form, a list of forms or a formset."""
    if forms_or_form is None or forms_or_form == "":
        return []
    items = forms_or_form if isinstance(forms_or_form, list | tuple) else [forms_or_form]
    errors: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            first_form = item.forms[0] if item.forms else None
            first_fields = first_form.visible_fields() if first_form is not None else []
            anchor = _first_widget_id(first_fields[0]) if first_fields else ""
            errors.extend((anchor, str(message)) for message in item.non_form_errors())
            for form in item.forms:
                errors.extend(form_errors(form))
            continue
        visible = item.visible_fields()
        first_id = _first_widget_id(visible[0]) if visible else ""
        errors.extend((first_id, str(message)) for message in item.non_field_errors())
        for field in visible:
            errors.extend((_first_widget_id(field), str(message)) for message in field.errors)
    return errors


@register.simple_tag
def page_title(title: str, form=None) -> str:
    """Prefix the page title with 'Error: ' when the form has errors."""
    return f"Error: {title}" if form is not None and form.errors else title


@register.filter
def in_sentence(label) -> str:
    """A choice's label inside a sentence, acronyms kept (code4000.plain_words)."""
    return _in_sentence(label)
