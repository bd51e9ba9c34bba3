"""The one skeleton of a form page: the gate has passed, then form -> service ->
redirect with a message, or the form again with its errors and nothing saved.

Each app keeps its own template and its own views; a view builds the form and a
`save(cleaned_data) -> message` that calls one service, and hands both here (the
shape of Wagtail's edit views). Views whose flow differs stay plain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

Save = Callable[[dict[str, Any]], str]


def service_errors_to_form(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: by field where it names one the
    form has, otherwise at the top of the error summary."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_page(
    request,
    form,
    *,
    save: Save,
    success: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """On a valid POST call `save(form.cleaned_data)` (one service, returning the
    success message) and redirect to `success`; otherwise render `template` with
    the form (and any error from the service) and `context`."""
    if request.method == "POST" and form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, message)
            return redirect(success)
    return render(request, template, {"form": form, **context})
