"""Learner pages: gate (a selector) -> form -> service -> redirect. Every page
about one learner writes exactly one audit event per request: a view, or the
change the service made."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import Capability, access_for
from accounts.kept_answers import restored_answers
from audit.services import audit_record
from learners.forms import (
    CaseloadFilterForm,
    EnrolmentForm,
    GoalFormSet,
    ImportCommitForm,
    ImportUploadForm,
    IntakeForm,
    LearnerDetailsForm,
    StatusChangeForm,
    TakeOnForm,
    TransferForm,
)
from learners.imports import (
    COLUMN_LABELS,
    COLUMNS,
    import_check_content,
    import_commit,
    import_upload,
)
from learners.models import (
    INTAKE_FIELDS,
    RESTRICTED_FIELDS,
    ImportStatus,
    Learner,
    StatusField,
    TimelineKind,
)
from learners.selectors import (
    CASELOAD_SORTS,
    caseload_for_user,
    consents_for_learner,
    goals_for_learner,
    has_intake,
    import_run_for_user,
    intake_for_user,
    intake_revisions,
    learner_for_user,
    learners_needing_regional_manager_for_user,
    likely_duplicates,
    sees_justice_data_fields,
    standing_consents,
    status_changes_for_learner,
    transfers_for_learner,
)
from learners.services import (
    TransitionRefused,
    intake_save,
    learner_change_course_status,
    learner_change_custody_status,
    learner_enrol,
    learner_regional_manager_take_on,
    learner_transfer,
    learner_update,
)
from learners.timeline import timeline_for_user

PAGE_SIZE = 25


def _audit_view(request, learner: Learner, page: str) -> None:
    audit_record(
        actor=request.user,
        action="learner.view",
        obj=learner,
        learner_id=learner.pk,
        detail={"page": page},
    )


def _with(query: QueryDict, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    query = query.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


# --- The caseload -------------------------------------------------------------------


@require_GET
def caseload(request):
    access_for(request.user).require(Capability.VIEW_LEARNER_RECORD)
    form = CaseloadFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if request.GET else {}
    learners = caseload_for_user(request.user, **filters)
    page = Paginator(learners, PAGE_SIZE).get_page(request.GET.get("page"))
    sort = filters.get("sort", "name")
    columns = []
    for key, label in (
        ("name", "Name"),
        ("joined", "Joined"),
        ("release", "Expected release"),
        ("review", "Next review due"),
    ):
        ascending = sort == key
        columns.append(
            {
                "label": label,
                "url": _with(request.GET, sort=f"-{key}" if ascending else key, page=None),
                "aria_sort": "ascending"
                if ascending
                else "descending"
                if sort == f"-{key}"
                else "none",
            }
        )
    filtered = any(value for key, value in filters.items() if key != "sort")
    pages = [
        {"number": n, "url": _with(request.GET, page=n), "current": n == page.number}
        if n != Paginator.ELLIPSIS
        else {"ellipsis": True}
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return render(
        request,
        "learners/caseload.html",
        {
            "form": form,
            "page": page,
            "pages": pages,
            "previous_url": _with(request.GET, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _with(request.GET, page=page.next_page_number()) if page.has_next() else "",
            "columns": columns,
            "filtered": filtered,
            "can_enrol": access_for(request.user).can(Capability.ENROL_LEARNER),
            "sorts": CASELOAD_SORTS,
        },
    )


# --- Enrolment -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def enrol(request):
    access_for(request.user).require(Capability.ENROL_LEARNER)
    duplicates = []
    if request.method == "POST":
        confirming = "different_person" in request.POST or request.POST.get("checked_duplicates")
        form = EnrolmentForm(
            request.POST, user=request.user, show_different_person=bool(confirming)
        )
        if form.is_valid():
            data = form.cleaned_data
            duplicates = likely_duplicates(
                request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                prison_id=data["prison"].pk,
            )
            if duplicates and not data.get("different_person"):
                form = EnrolmentForm(request.POST, user=request.user, show_different_person=True)
                form.is_valid()
                if confirming:
                    form.add_error(
                        "different_person",
                        "Confirm this is a different person, or open the existing record",
                    )
            else:
                try:
                    learner = learner_enrol(actor=request.user, data=data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, f"{learner.display_name} is enrolled.")
                    return redirect("learners:detail", pk=learner.pk)
    else:
        form = EnrolmentForm(user=request.user)
    return render(request, "learners/enrol.html", {"form": form, "duplicates": duplicates})


# --- One learner ---------------------------------------------------------------------


@require_GET
def detail(request, pk: int):
    learner = learner_for_user(request.user, pk)
    access = access_for(request.user)
    context = {
        "learner": learner,
        "has_intake": has_intake(learner),
        "goals": goals_for_learner(learner),
        "consents": consents_for_learner(learner),
        "transfers": transfers_for_learner(learner),
        "status_changes": status_changes_for_learner(learner)[:10],
        "can_change": access.can(Capability.CHANGE_LEARNER),
        "sees_justice_data": sees_justice_data_fields(request.user),
    }
    _audit_view(request, learner, "overview")
    return render(request, "learners/detail.html", context)


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    # The form cleans into a copy, so the service can tell what changed.
    form = LearnerDetailsForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(learner),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            learner_update(actor=request.user, learner=learner, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The details are saved.")
            return redirect("learners:detail", pk=learner.pk)
    _audit_view(request, learner, "edit")
    return render(request, "learners/edit.html", {"learner": learner, "form": form})


@require_GET
def intake(request, pk: int):
    learner = learner_for_user(request.user, pk)
    interview, restricted = intake_for_user(request.user, learner=learner)
    access = access_for(request.user)
    context = {
        "learner": learner,
        "intake": interview,
        "restricted": restricted,  # None for roles that may not see it
        "sees_restricted": access.sees_restricted,
        "goals": goals_for_learner(learner),
        "consents": consents_for_learner(learner),
        "revisions": intake_revisions(interview) if interview else [],
        "can_change": access.can(Capability.CHANGE_LEARNER),
    }
    _audit_view(request, learner, "intake")
    return render(request, "learners/intake.html", context)


@require_http_methods(["GET", "POST"])
def intake_edit(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    interview, restricted = intake_for_user(request.user, learner=learner)
    include_restricted = access_for(request.user).sees_restricted
    # Answers posted after the session ended come back bound, to be checked and saved.
    restored = restored_answers(request)
    if restored is not None:
        form = IntakeForm(restored, learner=learner, include_restricted=include_restricted)
        goals = GoalFormSet(restored, prefix="goals")
    elif request.method == "POST":
        form = IntakeForm(request.POST, learner=learner, include_restricted=include_restricted)
        goals = GoalFormSet(request.POST, prefix="goals")
        if form.is_valid() and goals.is_valid():
            intake_save(
                actor=request.user,
                learner=learner,
                answers=form.answers(),
                restricted=form.restricted_answers(),
                expected_release_on=form.cleaned_data["expected_release_on"],
                consents=form.consents(),
                goals=[g.cleaned_data for g in goals.forms if g.cleaned_data],
            )
            messages.success(request, "The intake interview is saved.")
            return redirect("learners:intake", pk=learner.pk)
    else:
        initial = {"expected_release_on": learner.expected_release_on}
        if interview is not None:
            initial |= {name: getattr(interview, name) for name in INTAKE_FIELDS}
        if restricted is not None:
            initial |= {name: getattr(restricted, name) for name in RESTRICTED_FIELDS}
        for kind, consent in standing_consents(learner).items():
            initial[f"consent_{kind}"] = True
            initial[f"consent_{kind}_on"] = consent.given_on
        form = IntakeForm(initial=initial, learner=learner, include_restricted=include_restricted)
        goals = GoalFormSet(
            prefix="goals",
            initial=[
                {
                    "id": goal.pk,
                    "description": goal.description,
                    "target_on": goal.target_on,
                    "status": goal.status,
                }
                for goal in goals_for_learner(learner)
            ],
        )
    _audit_view(request, learner, "intake_edit")
    return render(
        request,
        "learners/intake_edit.html",
        {"learner": learner, "form": form, "goals": goals, "editing": interview is not None},
    )


@require_GET
def timeline(request, pk: int):
    learner = learner_for_user(request.user, pk)
    kind = request.GET.get("kind", "")
    if kind not in TimelineKind.values:
        kind = ""
    entries = timeline_for_user(user=request.user, learner=learner, kind=kind or None)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    _audit_view(request, learner, "timeline")
    return render(
        request,
        "learners/timeline.html",
        {
            "learner": learner,
            "page": page,
            "kinds": TimelineKind.choices,
            "kind": kind,
            "previous_url": _with(request.GET, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _with(request.GET, page=page.next_page_number()) if page.has_next() else "",
        },
    )


@require_http_methods(["GET", "POST"])
def status_change(request, pk: int, field: str):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    if field not in StatusField.values:
        raise Http404("No such status.")
    form = StatusChangeForm(
        request.POST if request.method == "POST" else None, learner=learner, field=field
    )
    if request.method == "POST" and form.is_valid():
        change = (
            learner_change_course_status
            if field == StatusField.COURSE
            else learner_change_custody_status
        )
        try:
            change(
                actor=request.user,
                learner=learner,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except TransitionRefused as exc:
            form.add_error("to", exc.messages[0])
        else:
            messages.success(request, "The status is changed.")
            return redirect("learners:detail", pk=learner.pk)
    _audit_view(request, learner, f"status_{field}")
    return render(
        request,
        "learners/status_change.html",
        {
            "learner": learner,
            "form": form,
            "field": field,
            "field_label": StatusField(field).label,
        },
    )


@require_http_methods(["GET", "POST"])
def transfer(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    form = TransferForm(request.POST if request.method == "POST" else None, learner=learner)
    if request.method == "POST" and form.is_valid():
        try:
            learner_transfer(actor=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{learner.display_name} is transferred to {form.cleaned_data['to_prison'].name}.",
            )
            # The learner may now be outside the user's prisons.
            if access_for(request.user).covers_prison(learner.prison_id):
                return redirect("learners:detail", pk=learner.pk)
            return redirect("learners:list")
    _audit_view(request, learner, "transfer")
    return render(request, "learners/transfer.html", {"learner": learner, "form": form})


@require_http_methods(["GET", "POST"])
def needs_regional_manager(request):
    learners = learners_needing_regional_manager_for_user(request.user)
    form = TakeOnForm(request.POST if request.method == "POST" else None, learners=learners)
    if request.method == "POST" and form.is_valid():
        learner = form.cleaned_data["learner"]
        try:
            learner_regional_manager_take_on(actor=request.user, learner=learner)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"You are now {learner.display_name}'s regional manager.")
            return redirect("learners:needs_regional_manager")
    return render(
        request,
        "learners/needs_regional_manager.html",
        {"learners": learners, "form": form},
    )


# --- Import --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_start(request):
    access_for(request.user).require(Capability.ENROL_LEARNER)
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        run, _ = import_upload(
            actor=request.user,
            filename=request.FILES["file"].name,
            content=form.cleaned_data["file"],
        )
        return redirect("learners:import_preview", pk=run.pk)
    return render(
        request,
        "learners/import_start.html",
        {"form": form, "columns": [(c, COLUMN_LABELS[c]) for c in COLUMNS]},
    )


@require_http_methods(["GET", "POST"])
def import_preview(request, pk: int):
    run = import_run_for_user(request.user, pk)
    form = ImportCommitForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and run.status != ImportStatus.IMPORTED and form.is_valid():
        try:
            count = import_commit(
                actor=request.user,
                run=run,
                duplicates_checked=form.cleaned_data["duplicates_checked"],
            )
        except ValidationError as exc:
            error = exc.messages[0]
            form.add_error("duplicates_checked", error)
        else:
            messages.success(request, f"{count} learners are imported.")
            return redirect(reverse("learners:list") + "?course_status=referred")
    check = (
        import_check_content(user=request.user, content=run.content)
        if run.status != ImportStatus.IMPORTED
        else None
    )
    return render(
        request,
        "learners/import_preview.html",
        {"run": run, "check": check, "form": form, "imported": run.status == ImportStatus.IMPORTED},
    )
