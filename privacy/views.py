from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import Capability
from learners.selectors import learner_for_user
from privacy.forms import (
    DataRequestCloseForm,
    DataRequestExtendForm,
    DataRequestForm,
    ErasureDecisionForm,
    ErasureForm,
)
from privacy.selectors import (
    data_request_for_user,
    data_requests_for_learner,
    data_requests_for_user,
    erasure_request_for_user,
    erasure_request_pending_for_learner,
    erasure_requests_pending_for_user,
)
from privacy.services import (
    data_request_close,
    data_request_log,
    erasure_approve,
    erasure_decline,
    erasure_request,
    subject_access_bundle,
    subject_access_json,
    subject_access_record,
)
from privacy.services import data_request_extend as data_request_extend_service

# Subject access and erasure are for directors (the only role that may make exports).
DATA_PROTECTION = Capability.MAKE_REPORTS


@require_GET
def learner_privacy(request, pk: int):
    """What a director can do for one learner under data protection law."""
    learner = learner_for_user(request.user, pk, capability=DATA_PROTECTION)
    pending = erasure_request_pending_for_learner(learner)
    return render(
        request,
        "privacy/learner_privacy.html",
        {
            "learner": learner,
            "pending": pending,
            "data_requests": list(data_requests_for_learner(learner)),
            "today": timezone.localdate(),
        },
    )


@require_GET
def subject_access_html(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=DATA_PROTECTION)
    bundle = subject_access_bundle(learner)
    subject_access_record(actor=request.user, learner=learner, output="html")
    return render(request, "privacy/subject_access.html", {"learner": learner, "bundle": bundle})


@require_GET
def subject_access_download(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=DATA_PROTECTION)
    bundle = subject_access_bundle(learner)
    subject_access_record(actor=request.user, learner=learner, output="json")
    response = HttpResponse(subject_access_json(bundle), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{learner.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
def erase(request, pk: int):
    """A director asks for erasure; another director or the administrator decides."""
    learner = learner_for_user(request.user, pk, capability=DATA_PROTECTION)
    pending = erasure_request_pending_for_learner(learner)
    form = ErasureForm(request.POST if request.method == "POST" else None, learner=learner)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            erasure_request(
                actor=request.user,
                learner=learner,
                basis=form.cleaned_data["basis"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Erasure asked for. Another director or the administrator must approve it "
                "before anything is erased.",
            )
            return redirect("privacy:learner", pk=learner.pk)
    return render(
        request,
        "privacy/erase.html",
        {"learner": learner, "form": form, "pending": pending},
        status=400 if form.errors or (pending and request.method == "POST") else 200,
    )


@require_GET
def erasure_requests(request):
    """Erasures waiting for a second person."""
    pending = list(erasure_requests_pending_for_user(request.user))
    return render(request, "privacy/erasure_requests.html", {"requests": pending})


@require_http_methods(["GET", "POST"])
def erasure_decide(request, pk: int):
    erasure = erasure_request_for_user(request.user, pk)
    learner = erasure.learner
    form = ErasureDecisionForm(request.POST if request.method == "POST" else None, learner=learner)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                erasure_approve(actor=request.user, request=erasure)
            else:
                erasure_decline(actor=request.user, request=erasure)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if form.cleaned_data["decision"] == "approve":
                messages.success(
                    request,
                    f"Learner {learner.pk}'s record has been erased. The audit trail keeps "
                    f"only the number {learner.pk}.",
                )
            else:
                messages.success(request, "The erasure request is declined. Nothing was erased.")
            return redirect("privacy:erasure_requests")
    return render(
        request,
        "privacy/erasure_decide.html",
        {"erasure": erasure, "learner": learner, "form": form},
        status=400 if form.errors else 200,
    )


# The register of data requests --------------------------------------------------------


@require_GET
def data_requests(request):
    """Every subject access and erasure request, open ones by due date first."""
    rows = list(data_requests_for_user(request.user))
    today = timezone.localdate()
    return render(
        request,
        "privacy/data_requests.html",
        {
            "open_requests": [row for row in rows if row.is_open],
            "closed_requests": [row for row in rows if not row.is_open],
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def data_request_new(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=DATA_PROTECTION)
    form = DataRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request = data_request_log(
                actor=request.user, learner=learner, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Request added to the register. The answer is due by "
                f"{data_request.due_on:%-d %B %Y}.",
            )
            return redirect("privacy:data_request", pk=data_request.pk)
    return render(
        request,
        "privacy/data_request_new.html",
        {"learner": learner, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def data_request(request, pk: int):
    """One request: what was asked and when it is due; closing it records who handled it."""
    entry = data_request_for_user(request.user, pk)
    form = DataRequestCloseForm(
        request.POST if request.method == "POST" else None,
        initial={"closed_on": timezone.localdate()},
    )
    if request.method == "POST" and entry.is_open and form.is_valid():
        try:
            data_request_close(actor=request.user, data_request=entry, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The request is closed.")
            return redirect("privacy:data_requests")
    refused = request.method == "POST" and not entry.is_open
    return render(
        request,
        "privacy/data_request.html",
        {"entry": entry, "form": form, "today": timezone.localdate(), "refused": refused},
        status=400 if form.errors or refused else 200,
    )


@require_http_methods(["GET", "POST"])
def data_request_extend(request, pk: int):
    entry = data_request_for_user(request.user, pk)
    form = DataRequestExtendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = data_request_extend_service(
                actor=request.user,
                data_request=entry,
                reason=form.cleaned_data["extension_reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"The deadline is extended to {entry.due_on:%-d %B %Y}.")
            return redirect("privacy:data_request", pk=entry.pk)
    return render(
        request,
        "privacy/data_request_extend.html",
        {"entry": entry, "form": form},
        status=400 if form.errors else 200,
    )
