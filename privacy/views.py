from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import Capability
from learners.selectors import learner_for_user
from privacy.forms import ErasureDecisionForm, ErasureForm
from privacy.selectors import (
    erasure_request_for_user,
    erasure_request_pending_for_learner,
    erasure_requests_pending_for_user,
)
from privacy.services import (
    erasure_approve,
    erasure_decline,
    erasure_request,
    subject_access_bundle,
    subject_access_json,
    subject_access_record,
)

# Subject access and erasure are for directors (the only role that may make exports).
DATA_PROTECTION = Capability.MAKE_REPORTS


@require_GET
def learner_privacy(request, pk: int):
    """What a director can do for one learner under data protection law."""
    learner = learner_for_user(request.user, pk, capability=DATA_PROTECTION)
    pending = erasure_request_pending_for_learner(learner)
    return render(request, "privacy/learner_privacy.html", {"learner": learner, "pending": pending})


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
