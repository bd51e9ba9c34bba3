from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import Capability
from learners.selectors import learner_for_user
from privacy.forms import ErasureForm
from privacy.services import (
    learner_erase,
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
    return render(request, "privacy/learner_privacy.html", {"learner": learner})


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
    """Confirmation page, then erasure."""
    learner = learner_for_user(request.user, pk, capability=DATA_PROTECTION)
    form = ErasureForm(request.POST if request.method == "POST" else None, learner=learner)
    if request.method == "POST" and form.is_valid():
        learner_erase(actor=request.user, learner=learner, basis=form.cleaned_data["basis"])
        messages.success(
            request,
            f"Learner {pk}'s record has been erased. The audit trail keeps only the number {pk}.",
        )
        return redirect("home")
    return render(
        request,
        "privacy/erase.html",
        {"learner": learner, "form": form},
        status=400 if form.errors else 200,
    )
