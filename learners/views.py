"""Learner pages: gate (a selector) -> form -> service -> redirect. Every page
about one learner writes exactly one audit event per request: a view, or the
change the service made."""

import copy
from dataclasses import dataclass
from typing import Any

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
    CaseNoteCorrectionForm,
    CaseNoteForm,
    ConsentGiveForm,
    ConsentWithdrawForm,
    EnrolmentForm,
    ImportCommitForm,
    ImportUploadForm,
    LearnerDetailsForm,
    RegionalManagerForm,
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
from learners.intake_steps import (
    Step,
    answered,
    answers_from_records,
    confirm_problems,
    intake_payload,
    steps_for,
    summary_rows,
)
from learners.models import (
    ConsentKind,
    ImportStatus,
    Learner,
    StatusField,
    TimelineKind,
)
from learners.selectors import (
    CASELOAD_SORTS,
    case_note_for_user,
    case_notes_for_user,
    caseload_for_user,
    consent_history,
    consents_for_learner,
    goals_for_learner,
    has_intake,
    import_run_for_user,
    intake_answers_on_record,
    intake_draft_for_user,
    intake_for_user,
    intake_revisions,
    learner_for_regional_manager_change,
    learner_for_user,
    learners_needing_regional_manager_for_user,
    likely_duplicates,
    may_change_regional_manager,
    regional_managers_for_learner,
    sees_justice_data_fields,
    standing_consents,
    status_changes_for_learner,
    transfers_for_learner,
)
from learners.services import (
    TransitionRefused,
    case_note_add,
    case_note_correct,
    consent_give,
    consent_withdraw,
    intake_draft_confirm,
    intake_draft_discard,
    intake_draft_save_step,
    learner_change_course_status,
    learner_change_custody_status,
    learner_enrol,
    learner_regional_manager_change,
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
        "can_change_regional_manager": may_change_regional_manager(request.user, learner),
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
        "draft": intake_draft_for_user(request.user, learner=learner),
    }
    _audit_view(request, learner, "intake")
    return render(request, "learners/intake.html", context)


# --- The intake interview in steps (issue 17 item 4) --------------------------------


@dataclass(frozen=True)
class _IntakeFlow:
    learner: Learner
    sees_restricted: bool
    steps: list[Step]
    draft: Any  # the user's IntakeDraft, or None
    recorded: bool  # the interview is on record: this is an edit
    on_record: dict  # every step's answers as the records hold them
    start_from: dict  # what a new draft starts from
    answers: dict  # the answers so far: the draft's, else start_from


def _intake_flow(request, pk: int) -> _IntakeFlow:
    """The gate and the state every step shares: the learner (404 at another
    prison, 403 for roles that cannot change learners), the steps this role
    answers, the user's draft and the answers each step starts from."""
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    access = access_for(request.user)
    draft = intake_draft_for_user(request.user, learner=learner)
    recorded, records = intake_answers_on_record(request.user, learner=learner)
    on_record = answers_from_records(learner=learner, **records)
    # An interview already recorded is edited from its answers; a new one starts empty.
    start_from = on_record if recorded else {}
    kept = draft.answers if draft is not None and isinstance(draft.answers, dict) else None
    return _IntakeFlow(
        learner=learner,
        sees_restricted=access.sees_restricted,
        steps=steps_for(access),
        draft=draft,
        recorded=recorded,
        on_record=on_record,
        start_from=start_from,
        answers=start_from if kept is None else kept,
    )


def _next_url(learner: Learner, steps, answers, after: int | None = None) -> str:
    """After a step: the next step not yet answered, or "check your answers"."""
    done = set(answered(answers, steps))
    if len(done) == len(steps):
        return reverse("learners:intake_check", kwargs={"pk": learner.pk})
    start = 0 if after is None else after + 1
    for step in [*steps[start:], *steps[:start]]:
        if step.slug not in done:
            return reverse("learners:intake_step", kwargs={"pk": learner.pk, "step": step.slug})
    return reverse("learners:intake_check", kwargs={"pk": learner.pk})


@require_GET
def intake_edit(request, pk: int):
    """The intake's entry point (the address the old one-page form had): resume
    where the user left off, or "check your answers" when every step is answered."""
    flow = _intake_flow(request, pk)
    return redirect(_next_url(flow.learner, flow.steps, flow.answers))


@require_http_methods(["GET", "POST"])
def intake_step(request, pk: int, step: str):
    flow = _intake_flow(request, pk)
    learner, steps, answers = flow.learner, flow.steps, flow.answers
    index = next((i for i, s in enumerate(steps) if s.slug == step), None)
    if index is None:
        raise Http404("No such step.")
    current = steps[index]
    # Answers posted after the session ended come back bound, to be checked and saved.
    restored = restored_answers(request)
    if restored is not None:
        form = current.form(restored, learner=learner)
        form.is_valid()
    elif request.method == "POST":
        form = current.form(request.POST, learner=learner)
        if form.is_valid():
            draft = intake_draft_save_step(
                actor=request.user,
                learner=learner,
                step=current.slug,
                values=form.answers(),
                start_from=flow.start_from,
            )
            return redirect(_next_url(learner, steps, draft.answers, after=index))
    else:
        values = answers.get(current.slug)
        form = current.form(
            learner=learner, values=flow.on_record.get(current.slug) if values is None else values
        )
    _audit_view(request, learner, f"intake_{current.slug}")
    back = (
        reverse("learners:intake_step", kwargs={"pk": learner.pk, "step": steps[index - 1].slug})
        if index
        else reverse("learners:intake", kwargs={"pk": learner.pk})
    )
    return render(
        request,
        "learners/intake_step.html",
        {
            "learner": learner,
            "step": current,
            "form": form,
            "goals": form.formset if current.slug == "goals" else None,
            # The one form whose errors the page's one error summary lists.
            "checked_form": form.formset if current.slug == "goals" else form,
            "has_errors": bool(form.is_bound and not form.is_valid()),
            "number": index + 1,
            "count": len(steps),
            "back": back,
            "editing": flow.recorded,
        },
    )


@require_http_methods(["GET", "POST"])
def intake_check(request, pk: int):
    flow = _intake_flow(request, pk)
    learner, steps, answers, draft = flow.learner, flow.steps, flow.answers, flow.draft
    problems = []
    if request.method == "POST":
        if draft is None:
            # Nothing left to record: already confirmed (a double submit) or unchanged.
            if flow.recorded:
                messages.success(request, "The intake interview is saved.")
                return redirect("learners:intake", pk=learner.pk)
            return redirect(_next_url(learner, steps, answers))
        problems = confirm_problems(answers, steps=steps, learner=learner)
        if not problems:
            try:
                intake_draft_confirm(
                    actor=request.user,
                    learner=learner,
                    checked=answers,
                    **intake_payload(answers, sees_restricted=flow.sees_restricted),
                )
            except ValidationError as exc:
                problems = [(None, message) for message in exc.messages]
            else:
                messages.success(request, "The intake interview is saved.")
                return redirect("learners:intake", pk=learner.pk)
    elif not answered(answers, steps):
        return redirect(_next_url(learner, steps, answers))
    sections = [
        {
            "step": step,
            "url": reverse("learners:intake_step", kwargs={"pk": learner.pk, "step": step.slug}),
            "rows": summary_rows(step, answers.get(step.slug), learner=learner),
        }
        for step in steps
    ]
    errors = [
        (
            reverse("learners:intake_step", kwargs={"pk": learner.pk, "step": step.slug})
            if step
            else "#confirm",
            message,
        )
        for step, message in problems
    ]
    _audit_view(request, learner, "intake_check")
    return render(
        request,
        "learners/intake_check.html",
        {
            "learner": learner,
            "sections": sections,
            "errors": errors,
            "back": reverse(
                "learners:intake_step", kwargs={"pk": learner.pk, "step": steps[-1].slug}
            ),
            "editing": flow.recorded,
            "has_draft": draft is not None,
        },
        status=200,
    )


@require_http_methods(["POST"])
def intake_discard(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    if intake_draft_discard(actor=request.user, learner=learner):
        messages.success(request, "The unfinished answers are deleted.")
    return redirect("learners:intake", pk=learner.pk)


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


# --- Consents ------------------------------------------------------------------------


@require_GET
def consents(request, pk: int):
    learner = learner_for_user(request.user, pk)
    standing = standing_consents(learner)
    _audit_view(request, learner, "consents")
    return render(
        request,
        "learners/consents.html",
        {
            "learner": learner,
            "kinds": [
                {"value": value, "label": label, "consent": standing.get(value)}
                for value, label in ConsentKind.choices
            ],
            "history": consent_history(learner),
            "can_change": access_for(request.user).can(Capability.CHANGE_LEARNER),
        },
    )


@require_http_methods(["GET", "POST"])
def consent_change(request, pk: int, kind: str):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    if kind not in ConsentKind.values:
        raise Http404("No such consent.")
    standing = standing_consents(learner).get(kind)
    data = request.POST if request.method == "POST" else None
    form = ConsentWithdrawForm(data) if standing is not None else ConsentGiveForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            if standing is not None:
                consent_withdraw(
                    actor=request.user,
                    consent=standing,
                    withdrawn_on=form.cleaned_data["withdrawn_on"],
                )
            else:
                consent_give(
                    actor=request.user,
                    learner=learner,
                    kind=kind,
                    given_on=form.cleaned_data["given_on"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = "withdrawn" if standing is not None else "given"
            messages.success(request, f"Consent {done}: {ConsentKind(kind).label.lower()}.")
            return redirect("learners:consents", pk=learner.pk)
    _audit_view(request, learner, "consent_change")
    return render(
        request,
        "learners/consent_change.html",
        {
            "learner": learner,
            "form": form,
            "label": ConsentKind(kind).label,
            "standing": standing,
            "is_omu_sharing": kind == ConsentKind.SHARE_WITH_OMU,
        },
    )


# --- Case notes ----------------------------------------------------------------------


@require_GET
def case_notes(request, pk: int):
    learner = learner_for_user(request.user, pk)
    notes = case_notes_for_user(request.user, learner=learner)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_view(request, learner, "case_notes")
    return render(
        request,
        "learners/case_notes.html",
        {
            "learner": learner,
            "page": page,
            "can_change": access_for(request.user).can(Capability.CHANGE_LEARNER),
            "previous_url": _with(request.GET, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _with(request.GET, page=page.next_page_number()) if page.has_next() else "",
        },
    )


@require_http_methods(["GET", "POST"])
def case_note_new(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    form = CaseNoteForm(request.POST if request.method == "POST" else None, learner=learner)
    if request.method == "POST" and form.is_valid():
        try:
            case_note_add(actor=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The case note is added.")
            return redirect("learners:case_notes", pk=learner.pk)
    _audit_view(request, learner, "case_note_new")
    return render(request, "learners/case_note_new.html", {"learner": learner, "form": form})


@require_http_methods(["GET", "POST"])
def case_note_correction(request, pk: int, note_pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.CHANGE_LEARNER)
    note = case_note_for_user(request.user, learner=learner, pk=note_pk)
    form = CaseNoteCorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_note_correct(actor=request.user, note=note, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The correction is added.")
            return redirect("learners:case_notes", pk=learner.pk)
    _audit_view(request, learner, "case_note_correction")
    return render(
        request,
        "learners/case_note_correction.html",
        {"learner": learner, "note": note, "form": form},
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
def regional_manager_change(request, pk: int):
    learner = learner_for_regional_manager_change(request.user, pk)
    form = RegionalManagerForm(
        request.POST if request.method == "POST" else None,
        managers=regional_managers_for_learner(learner),
        initial={"manager": learner.regional_manager_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            learner_regional_manager_change(
                actor=request.user, learner=learner, manager=form.cleaned_data["manager"]
            )
        except ValidationError as exc:
            form.add_error("manager" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['manager'].full_name} is now the regional manager.",
            )
            return redirect("learners:detail", pk=learner.pk)
    _audit_view(request, learner, "regional_manager_change")
    return render(
        request, "learners/regional_manager_change.html", {"learner": learner, "form": form}
    )


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
