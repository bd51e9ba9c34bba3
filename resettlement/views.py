"""Views: gate (a selector) -> form -> service -> redirect.

Form pages share one template, `resettlement/form_page.html`, with the learner's
summary card when the form is about one learner: the pages differ only in title,
introduction and fields, so one template keeps them identical in structure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Capability, access_for
from audit.services import audit_record
from code4000.form_pages import form_page
from learners.models import CustodyStatus
from resettlement import forms, selectors, services
from resettlement.models import UPDATE_STATUSES, ApplicationStatus

GET_POST = require_http_methods(["GET", "POST"])


def _data(request):
    """The submitted data on POST (even when empty), None on GET: an unbound form."""
    return request.POST if request.method == "POST" else None


def _audit_view(request, learner, page: str) -> None:
    audit_record(
        actor=request.user,
        action="resettlement.page.view",
        obj=learner,
        learner_id=learner.pk,
        detail={"page": page},
    )


def _form_page(
    request,
    form,
    *,
    title: str,
    learner=None,
    tab: str = "",
    intro: str = "",
    cancel: str = "",
    status: int = 200,
    extra: dict | None = None,
):
    context = {
        "form": form,
        "title": title,
        "learner": learner,
        "tab": tab,
        "intro": intro,
        "cancel": cancel,
        **(extra or {}),
    }
    return render(request, "resettlement/form_page.html", context, status=status)


PRISON_CANNOT_SEE = (
    "This action is owned by the prison, but the plan is not shared with the prison's "
    "offender management unit: they cannot see or update it until the learner consents "
    "to sharing."
)


def _warn_if_prison_cannot_see(request, learner, action) -> None:
    if action.owned_by_prison and selectors.standing_sharing_consent(learner) is None:
        messages.warning(request, PRISON_CANNOT_SEE)


def _plan_url(learner) -> str:
    return reverse("resettlement:plan", kwargs={"pk": learner.pk})


def _release_url(learner) -> str:
    return reverse("resettlement:release_overview", kwargs={"pk": learner.pk})


def _add_service_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


# The plan


@require_GET
def plan(request, pk: int):
    learner = selectors.plan_learner_for_user(request.user, pk)
    the_plan = selectors.plan_for_learner(learner)
    services.plan_view_record(actor=request.user, learner=learner, plan=the_plan)
    access = access_for(request.user)
    return render(
        request,
        "resettlement/plan.html",
        {
            "learner": learner,
            "plan": the_plan,
            "share_log": selectors.share_log_for_user(request.user, learner),
            "consent": selectors.standing_sharing_consent(learner),
            "can_change": access.can(Capability.CHANGE_RESETTLEMENT_PLAN),
            "can_update_prison": access.can(Capability.UPDATE_PRISON_ACTIONS),
            "is_omu": access.needs_sharing_consent,
            "prison_cannot_see": PRISON_CANNOT_SEE,
        },
    )


@require_POST
def plan_start(request, pk: int):
    learner = selectors.plan_learner_for_change(
        request.user, pk, Capability.CHANGE_RESETTLEMENT_PLAN
    )
    services.plan_start(actor=request.user, learner=learner)
    messages.success(request, "Resettlement plan started.")
    return redirect(_plan_url(learner))


@GET_POST
def pathway_edit(request, pk: int, pathway: str):
    learner = selectors.plan_learner_for_change(
        request.user, pk, Capability.CHANGE_RESETTLEMENT_PLAN
    )
    the_pathway = selectors.pathway_for_learner(learner, pathway)
    form = forms.PathwayStatusForm(_data(request), initial={"status": the_pathway.status})
    if request.method == "POST" and form.is_valid():
        services.pathway_set_status(
            actor=request.user, pathway=the_pathway, status=form.cleaned_data["status"]
        )
        messages.success(request, f"{the_pathway.get_pathway_display()} status saved.")
        return redirect(_plan_url(learner))
    _audit_view(request, learner, "pathway_edit")
    return _form_page(
        request,
        form,
        title=f"{the_pathway.get_pathway_display()}: status",
        learner=learner,
        tab="plan",
        cancel=_plan_url(learner),
    )


@GET_POST
def action_add(request, pk: int, pathway: str):
    learner = selectors.plan_learner_for_change(
        request.user, pk, Capability.CHANGE_RESETTLEMENT_PLAN
    )
    the_pathway = selectors.pathway_for_learner(learner, pathway)
    form = forms.ActionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        action = services.action_add(actor=request.user, pathway=the_pathway, **form.cleaned_data)
        messages.success(request, "Action added.")
        _warn_if_prison_cannot_see(request, learner, action)
        return redirect(_plan_url(learner))
    _audit_view(request, learner, "action_add")
    return _form_page(
        request,
        form,
        title=f"Add an action: {the_pathway.get_pathway_display()}",
        learner=learner,
        tab="plan",
        cancel=_plan_url(learner),
    )


@GET_POST
def action_edit(request, pk: int, action_pk: int):
    learner = selectors.plan_learner_for_change(
        request.user, pk, Capability.CHANGE_RESETTLEMENT_PLAN
    )
    action = selectors.action_for_learner(learner, action_pk)
    initial = {
        name: getattr(action, name)
        for name in ("description", "owner_organisation", "owner_name", "due_on", "status")
    }
    form = forms.ActionForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        action = services.action_change(actor=request.user, action=action, **form.cleaned_data)
        messages.success(request, "Action saved.")
        _warn_if_prison_cannot_see(request, learner, action)
        return redirect(_plan_url(learner))
    _audit_view(request, learner, "action_edit")
    return _form_page(
        request,
        form,
        title="Change an action",
        learner=learner,
        tab="plan",
        cancel=_plan_url(learner),
    )


@GET_POST
def action_update_add(request, pk: int, action_pk: int):
    learner = selectors.plan_learner_for_change(request.user, pk, Capability.UPDATE_PRISON_ACTIONS)
    action = selectors.action_for_update(request.user, learner, action_pk)
    initial = {"written_on": timezone.localdate()}
    if action.status in UPDATE_STATUSES:
        initial["status"] = action.status
    form = forms.ActionUpdateForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.action_update_add(actor=request.user, action=action, **form.cleaned_data)
        messages.success(request, "Update added.")
        return redirect(_plan_url(learner))
    _audit_view(request, learner, "action_update_add")
    return _form_page(
        request,
        form,
        title="Add an update to an action",
        learner=learner,
        tab="plan",
        intro=action.description,
        cancel=_plan_url(learner),
    )


@GET_POST
def comment_add(request, pk: int):
    learner = selectors.plan_learner_for_change(request.user, pk, Capability.UPDATE_PRISON_ACTIONS)
    the_plan = selectors.plan_for_learner(learner)
    if the_plan is None:
        messages.error(request, "The plan has not been started yet.")
        return redirect(_plan_url(learner))
    form = forms.CommentForm(_data(request))
    if request.method == "POST" and form.is_valid():
        services.plan_comment_add(actor=request.user, plan=the_plan, **form.cleaned_data)
        messages.success(request, "Comment added.")
        return redirect(_plan_url(learner))
    _audit_view(request, learner, "comment_add")
    return _form_page(
        request,
        form,
        title="Comment on the plan",
        learner=learner,
        tab="plan",
        cancel=_plan_url(learner),
    )


@require_GET
def shared_list(request):
    learners = selectors.shared_plans_for_user(request.user)
    page = Paginator(learners, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user, action="resettlement.shared_list.view", detail={"page": page.number}
    )
    return render(request, "resettlement/shared_list.html", {"page": page})


# Release and after


@require_GET
def release_overview(request, pk: int):
    learner = selectors.record_learner_for_user(request.user, pk)
    access = access_for(request.user)
    releases = selectors.releases_for_learner(learner)
    _audit_view(request, learner, "release_overview")
    today = timezone.localdate()
    return render(
        request,
        "resettlement/release_overview.html",
        {
            "learner": learner,
            "releases": releases,
            "latest": releases[0] if releases else None,
            "contacts": selectors.contacts_for_learner(learner),
            "applications": selectors.applications_for_learner(learner),
            "matches": selectors.matches_for_learner(learner),
            "can_change": access.can(Capability.CHANGE_LEARNER),
            "sees_restricted": access.sees_restricted,
            "can_release": learner.can_move_custody_status(CustodyStatus.RELEASED),
            "can_return": learner.can_move_custody_status(CustodyStatus.RETURNED),
            "today": today,
        },
    )


@GET_POST
def release_record(request, pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    form = forms.ReleaseForm(_data(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.release_record(actor=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, "Release recorded. Follow-ups are scheduled.")
            return redirect(_release_url(learner))
    _audit_view(request, learner, "release_record")
    return _form_page(
        request,
        form,
        title="Record a release",
        learner=learner,
        tab="release",
        intro="Reviews stop at release, and outcome follow-ups are scheduled at 1, 3, 6, 12 "
        "and 24 months.",
        cancel=_release_url(learner),
        status=status,
    )


@GET_POST
def custody_return(request, pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    latest = selectors.latest_release(learner)
    form = forms.CustodyReturnForm(
        _data(request), released_on=latest.released_on if latest else None
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.custody_return(actor=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, "Return to custody recorded.")
            return redirect(_release_url(learner))
    _audit_view(request, learner, "custody_return")
    return _form_page(
        request,
        form,
        title="Record a return to custody",
        learner=learner,
        tab="release",
        cancel=_release_url(learner),
        status=status,
    )


@GET_POST
def follow_up_record(request, pk: int, follow_up_pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    follow_up = selectors.follow_up_for_learner(learner, follow_up_pk)
    initial = {"confirmed_on": follow_up.confirmed_on, "source": follow_up.source}
    existing = selectors.outcomes_of(follow_up)
    self_report = selectors.self_report_of(follow_up)
    if self_report is not None and self_report.confirmed_at is None:
        # Reported by the learner, to confirm: the form starts from their answers.
        initial.update(
            confirmed_on=timezone.localdate(),
            source="learner",
            kinds=list(self_report.kinds),
            detail=self_report.employer_or_course,
        )
        if "employed_tech" in self_report.kinds:
            initial["employer_name"] = self_report.employer_or_course
    elif existing:
        initial["kinds"] = [row.kind for row in existing]
        for row in existing:
            if row.kind == "employed_tech":
                initial.update(
                    role=row.role,
                    employer_name=row.employer_name,
                    tech_level=row.tech_level,
                    started_on=row.started_on,
                )
            elif row.detail:
                initial["detail"] = row.detail
    form = forms.FollowUpForm(
        _data(request),
        initial=initial,
        released_on=follow_up.release.released_on,
        returned=follow_up.release.returned_to_custody_on is not None,
    )
    if request.method == "POST" and form.is_valid():
        services.follow_up_record(
            actor=request.user,
            follow_up=follow_up,
            confirmed_on=form.cleaned_data["confirmed_on"],
            source=form.cleaned_data["source"],
            outcomes=form.outcomes(),
        )
        messages.success(request, f"{follow_up.months}-month follow-up saved.")
        return redirect(_release_url(learner))
    _audit_view(request, learner, "follow_up_record")
    return _form_page(
        request,
        form,
        title=f"{follow_up.months}-month follow-up",
        learner=learner,
        tab="release",
        intro=f"Due {follow_up.due_on:%d %B %Y}. Record every outcome that holds now.",
        cancel=_release_url(learner),
        extra={"self_report": self_report},
    )


@GET_POST
def contact_add(request, pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    form = forms.SupportContactForm(_data(request), initial={"contacted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.support_contact_add(actor=request.user, learner=learner, **form.cleaned_data)
        messages.success(request, "Contact recorded.")
        return redirect(_release_url(learner))
    _audit_view(request, learner, "contact_add")
    return _form_page(
        request,
        form,
        title="Record a support contact",
        learner=learner,
        tab="release",
        cancel=_release_url(learner),
    )


@GET_POST
def application_add(request, pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    form = forms.ApplicationForm(
        _data(request),
        learner=learner,
        opportunities=selectors.open_opportunities(),
        initial={"introduced_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        services.application_add(actor=request.user, learner=learner, **form.cleaned_data)
        messages.success(request, "Application added.")
        return redirect(_release_url(learner))
    _audit_view(request, learner, "application_add")
    return _form_page(
        request,
        form,
        title="Introduce to an opportunity",
        learner=learner,
        tab="release",
        intro="A learner still in custody can be introduced to a role before release.",
        cancel=_release_url(learner),
    )


@GET_POST
def application_move(request, pk: int, application_pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    application = selectors.application_for_learner(learner, application_pk)
    if not application.next_statuses:
        messages.error(request, "This application has finished and cannot move on.")
        return redirect(_release_url(learner))
    form = forms.ApplicationMoveForm(
        _data(request), application=application, initial={"on": timezone.localdate()}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.application_move(
                actor=request.user,
                application=application,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, "Application moved on.")
            return redirect(_release_url(learner))
    _audit_view(request, learner, "application_move")
    return _form_page(
        request,
        form,
        title=f"{application.opportunity.role} at {application.opportunity.employer.name}",
        learner=learner,
        tab="release",
        intro=f"Now at: {application.get_status_display()}.",
        cancel=_release_url(learner),
        status=status,
    )


# A job application's lifecycle (edit, close, reopen): regional managers only,
# checked again by each service against APPLICATION_TRANSITIONS.


def _application_for_change(request, pk: int, application_pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    return learner, selectors.application_for_learner(learner, application_pk)


@GET_POST
def application_edit(request, pk: int, application_pk: int):
    learner, application = _application_for_change(request, pk, application_pk)
    form = forms.ApplicationEditForm(
        _data(request),
        application=application,
        initial={"status": application.status, "notes": application.notes},
    )

    def save(data) -> str:
        services.application_update(actor=request.user, application=application, **data)
        return "Application saved."

    if request.method == "GET":
        _audit_view(request, learner, "application_edit")
    return _employment_form(
        request,
        form,
        title=f"Change the application: {application.opportunity.role}",
        intro=f"At {application.opportunity.employer.name}. "
        f"Now at: {application.get_status_display()}.",
        save=save,
        success=_release_url(learner),
        learner=learner,
        tab="release",
    )


@GET_POST
def application_close(request, pk: int, application_pk: int):
    learner, application = _application_for_change(request, pk, application_pk)
    if not application.can_close:
        messages.error(request, "This application has already ended.")
        return redirect(_release_url(learner))
    form = forms.ApplicationCloseForm(
        _data(request), application=application, initial={"on": timezone.localdate()}
    )

    def save(data) -> str:
        services.application_close(actor=request.user, application=application, **data)
        return "Application closed."

    if request.method == "GET":
        _audit_view(request, learner, "application_close")
    return _employment_form(
        request,
        form,
        title=f"Close the application: {application.opportunity.role}",
        intro=f"At {application.opportunity.employer.name}. You can reopen it later.",
        save=save,
        success=_release_url(learner),
        learner=learner,
        tab="release",
    )


@GET_POST
def application_reopen(request, pk: int, application_pk: int):
    learner, application = _application_for_change(request, pk, application_pk)
    if not application.is_closed:
        messages.error(request, "This application is not closed.")
        return redirect(_release_url(learner))
    form = forms.ApplicationReopenForm(_data(request))

    def save(data) -> str:
        reopened = services.application_reopen(actor=request.user, application=application, **data)
        return f"Application reopened at {reopened.get_status_display().lower()}."

    if request.method == "GET":
        _audit_view(request, learner, "application_reopen")
    return _employment_form(
        request,
        form,
        title=f"Reopen the application: {application.opportunity.role}",
        intro=f"At {application.opportunity.employer.name}. It goes back to "
        f"{ApplicationStatus(application.reopen_status()).label.lower()}, "
        "the furthest stage it reached.",
        save=save,
        success=_release_url(learner),
        learner=learner,
        tab="release",
    )


@GET_POST
def mentor_match_add(request, pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    form = forms.MentorMatchForm(_data(request), learner=learner)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_match_add(actor=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, "Mentor matched.")
            return redirect(_release_url(learner))
    _audit_view(request, learner, "mentor_match_add")
    return _form_page(
        request,
        form,
        title="Match a mentor",
        learner=learner,
        tab="release",
        cancel=_release_url(learner),
    )


@GET_POST
def mentor_match_end(request, pk: int, match_pk: int):
    learner = selectors.record_learner_for_user(request.user, pk, change=True)
    match = selectors.match_for_learner(learner, match_pk)
    form = forms.MentorMatchEndForm(
        _data(request), started_on=match.started_on, initial={"ended_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        services.mentor_match_end(actor=request.user, match=match, **form.cleaned_data)
        messages.success(request, "Mentoring ended.")
        return redirect(_release_url(learner))
    _audit_view(request, learner, "mentor_match_end")
    return _form_page(
        request,
        form,
        title=f"End mentoring with {match.mentor.name}",
        learner=learner,
        tab="release",
        cancel=_release_url(learner),
    )


# Employers and mentors


@require_GET
def employer_list(request):
    employers = selectors.employers_for_user(request.user)
    page = Paginator(employers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "resettlement/employer_list.html",
        {
            "page": page,
            "can_change": access_for(request.user).can(Capability.CHANGE_RESETTLEMENT_PLAN),
        },
    )


@GET_POST
def employer_add(request):
    selectors.employers_for_user(request.user)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    form = forms.EmployerForm(_data(request), initial={"hired_with_convictions": "unknown"})
    if request.method == "POST" and form.is_valid():
        employer = services.employer_add(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{employer.name} added.")
        return redirect("resettlement:employer_list")
    return _form_page(
        request, form, title="Add an employer", cancel=reverse("resettlement:employer_list")
    )


@GET_POST
def opportunity_add(request, employer_pk: int):
    employer = selectors.employer_for_user(request.user, employer_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    form = forms.OpportunityForm(_data(request))
    if request.method == "POST" and form.is_valid():
        services.opportunity_add(actor=request.user, employer=employer, **form.cleaned_data)
        messages.success(request, "Opportunity added.")
        return redirect("resettlement:employer_list")
    return _form_page(
        request,
        form,
        title=f"Add an opportunity at {employer.name}",
        cancel=reverse("resettlement:employer_list"),
    )


@require_GET
def mentor_list(request):
    mentors = selectors.mentors_for_user(request.user)
    page = Paginator(mentors, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "resettlement/mentor_list.html",
        {
            "page": page,
            "can_change": access_for(request.user).can(Capability.CHANGE_RESETTLEMENT_PLAN),
        },
    )


@GET_POST
def mentor_add(request):
    selectors.mentors_for_user(request.user)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    form = forms.MentorForm(_data(request))
    if request.method == "POST" and form.is_valid():
        mentor = services.mentor_add(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{mentor.name} added.")
        return redirect("resettlement:mentor_list")
    return _form_page(
        request, form, title="Add a mentor", cancel=reverse("resettlement:mentor_list")
    )


# The employment lifecycle: edit, close and reopen, pause and resume. Regional
# managers only (CHANGE_RESETTLEMENT_PLAN), checked again by each service.


def _employment_form(
    request, form, *, title: str, save, success: str, intro: str = "", learner=None, tab: str = ""
):
    """Gate already passed: form -> service -> redirect, or the form with its errors
    (a ValidationError from the service included), nothing saved."""
    return form_page(
        request,
        form,
        save=save,
        success=success,
        template="resettlement/form_page.html",
        context={
            "title": title,
            "learner": learner,
            "tab": tab,
            "intro": intro,
            "cancel": success,
        },
    )


@GET_POST
def employer_edit(request, employer_pk: int):
    employer = selectors.employer_for_user(request.user, employer_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    fields = ("name", "sector", "contact_name", "contact_email", "contact_phone")
    initial = {name: getattr(employer, name) for name in fields}
    initial["hired_with_convictions"] = employer.hired_with_convictions
    form = forms.EmployerForm(_data(request), employer=employer, initial=initial)

    def save(data) -> str:
        services.employer_update(actor=request.user, employer=employer, **data)
        return f"{data['name']} saved."

    return _employment_form(
        request,
        form,
        title=f"Change {employer.name}",
        save=save,
        success=reverse("resettlement:employer_list"),
    )


@GET_POST
def opportunity_edit(request, opportunity_pk: int):
    opportunity = selectors.opportunity_for_user(request.user, opportunity_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    fields = ("role", "kind", "location", "closing_on", "restrictions")
    form = forms.OpportunityForm(
        _data(request),
        initial={name: getattr(opportunity, name) for name in fields},
        button="Save changes",
    )

    def save(data) -> str:
        services.opportunity_update(actor=request.user, opportunity=opportunity, **data)
        return f"{data['role']} at {opportunity.employer.name} saved."

    return _employment_form(
        request,
        form,
        title=f"Change {opportunity.role} at {opportunity.employer.name}",
        save=save,
        success=reverse("resettlement:employer_list"),
    )


@GET_POST
def opportunity_close(request, opportunity_pk: int):
    opportunity = selectors.opportunity_for_user(request.user, opportunity_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    form = forms.ConfirmForm(_data(request), button="Close opportunity")

    def save(data) -> str:
        services.opportunity_close(actor=request.user, opportunity=opportunity)
        return f"{opportunity.role} at {opportunity.employer.name} is closed."

    return _employment_form(
        request,
        form,
        title=f"Close {opportunity.role} at {opportunity.employer.name}",
        intro="No more learners can be introduced to it. Applications already made carry "
        "on, and each of those learners' timelines records the closure. You can reopen it.",
        save=save,
        success=reverse("resettlement:employer_list"),
    )


@GET_POST
def opportunity_reopen(request, opportunity_pk: int):
    opportunity = selectors.opportunity_for_user(request.user, opportunity_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    form = forms.OpportunityReopenForm(_data(request))

    def save(data) -> str:
        services.opportunity_reopen(actor=request.user, opportunity=opportunity, **data)
        return f"{opportunity.role} at {opportunity.employer.name} is open again."

    return _employment_form(
        request,
        form,
        title=f"Reopen {opportunity.role} at {opportunity.employer.name}",
        save=save,
        success=reverse("resettlement:employer_list"),
    )


@GET_POST
def mentor_edit(request, mentor_pk: int):
    mentor = selectors.mentor_for_user(request.user, mentor_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    fields = ("name", "organisation", "email", "skills", "availability")
    form = forms.MentorForm(
        _data(request),
        initial={name: getattr(mentor, name) for name in fields},
        button="Save changes",
    )

    def save(data) -> str:
        services.mentor_update(actor=request.user, mentor=mentor, **data)
        return f"{data['name']} saved."

    return _employment_form(
        request,
        form,
        title=f"Change {mentor.name}",
        save=save,
        success=reverse("resettlement:mentor_list"),
    )


@GET_POST
def mentor_pause(request, mentor_pk: int):
    mentor = selectors.mentor_for_user(request.user, mentor_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    form = forms.ConfirmForm(_data(request), button="Pause mentor")

    def save(data) -> str:
        services.mentor_pause(actor=request.user, mentor=mentor)
        return f"{mentor.name} is paused."

    return _employment_form(
        request,
        form,
        title=f"Pause {mentor.name}",
        intro="Their current matches carry on; they are not offered for new matches until "
        "you resume them. To end a match, go to the learner's release and outcomes page.",
        save=save,
        success=reverse("resettlement:mentor_list"),
    )


@GET_POST
def mentor_resume(request, mentor_pk: int):
    mentor = selectors.mentor_for_user(request.user, mentor_pk)
    access_for(request.user).require(Capability.CHANGE_RESETTLEMENT_PLAN)
    form = forms.ConfirmForm(_data(request), button="Resume mentor")

    def save(data) -> str:
        services.mentor_resume(actor=request.user, mentor=mentor)
        return f"{mentor.name} can be matched again."

    return _employment_form(
        request,
        form,
        title=f"Resume {mentor.name}",
        intro="They are offered for new matches again.",
        save=save,
        success=reverse("resettlement:mentor_list"),
    )
