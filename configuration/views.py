"""Configuration pages for administrators: staff, prisons and regions, the
curriculum, reminder and retention settings. Each view is gate (a selector) ->
form -> service -> redirect; `_form_page` is the one skeleton they share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import Capability, access_for
from accounts.models import Role
from code4000.form_pages import form_page, service_errors_to_form
from configuration import forms, selectors, services
from configuration.settings_summary import reminder_job_times, settings_summary
from reviews import curriculum as curriculum_services

GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 25


def _data(request):
    return request.POST if request.method == "POST" else None


def _form_page(
    request,
    form,
    *,
    title: str,
    save: Callable[[dict[str, Any]], str],
    cancel: str,
    intro: str = "",
):
    """Show `form`; on a valid POST call `save(cleaned_data)`, which writes through
    a service and returns the success message, then go back to `cancel`. A
    ValidationError from the service shows on the form and nothing is saved."""
    return form_page(
        request,
        form,
        save=save,
        success=cancel,
        template="configuration/form_page.html",
        context={"title": title, "intro": intro, "cancel": cancel},
    )


def _confirm_page(
    request,
    *,
    title: str,
    body: str,
    button: str,
    act: Callable[[], str],
    back: str,
    warning: bool = False,
):
    """A yes-or-no action (deactivate, close, reset): GET asks, POST does it."""
    error = ""
    if request.method == "POST":
        try:
            message = act()
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, message)
            return redirect(back)
    return render(
        request,
        "configuration/confirm.html",
        {
            "title": title,
            "body": body,
            "button": button,
            "back": back,
            "error": error,
            "warning": warning,
        },
        status=400 if error else 200,
    )


@require_GET
def index(request):
    access_for(request.user).require(Capability.CONFIGURE)
    return render(request, "configuration/index.html")


# Staff


@require_GET
def staff_list(request):
    filter_form = forms.StaffFilterForm(request.GET or None)
    staff = selectors.staff_list_for_user(request.user, **filter_form.filters())
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "configuration/staff_list.html",
        {"page": page, "filter_form": filter_form, "query": query.urlencode()},
    )


def _staff_url(user) -> str:
    return reverse("configuration:staff_detail", kwargs={"pk": user.pk})


@require_GET
def staff_detail(request, pk: int):
    person = selectors.staff_for_user(request.user, pk)
    return render(
        request,
        "configuration/staff_detail.html",
        {
            "person": person,
            "invited": person.is_active and not person.has_usable_password(),
        },
    )


@GET_POST
def staff_invite(request):
    access_for(request.user).require(Capability.CONFIGURE)
    form = forms.StaffInviteForm(_data(request))

    def save(data) -> str:
        person = services.staff_invite(actor=request.user, **data)
        return f"Invitation sent to {person.full_name} at {person.email}."

    return _form_page(
        request,
        form,
        title="Invite a member of staff",
        intro="They get an email with a link to choose a password. At their first "
        "sign-in they set up an authenticator app for the security code.",
        save=save,
        cancel=reverse("configuration:staff_list"),
    )


@GET_POST
def staff_edit(request, pk: int):
    person = selectors.staff_for_user(request.user, pk)
    form = forms.StaffEditForm(_data(request), user=person)

    def save(data) -> str:
        services.staff_update(actor=request.user, user=person, **data)
        return f"Changes to {data['full_name']} saved."

    return _form_page(
        request,
        form,
        title=f"Change role and prisons: {person.full_name}",
        save=save,
        cancel=_staff_url(person),
    )


@GET_POST
def staff_deactivate(request, pk: int):
    person = selectors.staff_for_user(request.user, pk)

    def act() -> str:
        services.staff_deactivate(actor=request.user, user=person)
        return f"{person.full_name} is deactivated and signed out everywhere."

    return _confirm_page(
        request,
        title=f"Deactivate {person.full_name}",
        body="They will be signed out at once and cannot sign in until an administrator "
        "reactivates them. Their name stays on everything they recorded.",
        button="Deactivate",
        act=act,
        back=_staff_url(person),
        warning=True,
    )


@GET_POST
def staff_reactivate(request, pk: int):
    person = selectors.staff_for_user(request.user, pk)

    def act() -> str:
        services.staff_reactivate(actor=request.user, user=person)
        return f"{person.full_name} can sign in again."

    return _confirm_page(
        request,
        title=f"Reactivate {person.full_name}",
        body="They can sign in again with their password and security code, with the "
        "role and prisons shown on their page.",
        button="Reactivate",
        act=act,
        back=_staff_url(person),
    )


@GET_POST
def staff_two_factor_reset(request, pk: int):
    person = selectors.staff_for_user(request.user, pk)

    def act() -> str:
        services.staff_two_factor_reset(actor=request.user, user=person)
        return (
            f"{person.full_name}'s authenticator app and backup codes are removed. "
            "They will set up a new app at their next sign-in."
        )

    return _confirm_page(
        request,
        title=f"Reset the security code for {person.full_name}",
        body="Use this when someone has lost or replaced their phone. Their authenticator "
        "app and backup codes stop working; at their next sign-in, after the password, "
        "they scan a new QR code. Check who is asking before you do this.",
        button="Reset security code",
        act=act,
        back=_staff_url(person),
        warning=True,
    )


@GET_POST
def staff_invitation_resend(request, pk: int):
    person = selectors.staff_for_user(request.user, pk)

    def act() -> str:
        services.staff_invitation_resend(actor=request.user, user=person)
        return f"A new invitation is on its way to {person.email}."

    return _confirm_page(
        request,
        title=f"Send the invitation to {person.full_name} again",
        body=f"A new link to choose a password goes to {person.email}.",
        button="Send invitation",
        act=act,
        back=_staff_url(person),
    )


@GET_POST
def staff_hand_on(request, pk: int):
    """Hand on a departing tutor's learners and open interventions: choose the
    receiving tutors, see the numbers, confirm; one transaction. Administrators
    hand on everything; a regional manager what is at their own prisons."""
    person = selectors.tutor_for_hand_on(request.user, pk)
    if person.role != Role.TUTOR:
        raise Http404("Only a tutor's learners are handed on here.")
    form = forms.HandOnForm(
        _data(request), tutors=selectors.tutors_to_receive(request.user, person)
    )
    can_configure = access_for(request.user).can(Capability.CONFIGURE)
    back = _staff_url(person) if can_configure else reverse("home")
    if request.method == "POST" and form.is_valid():
        receiving = list(form.cleaned_data["receiving"])
        if form.cleaned_data["confirmed"] == "yes":
            try:
                plan = services.tutor_hand_on(
                    actor=request.user, departing=person, receiving=receiving
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    f"{len(plan.learners)} learners and {len(plan.interventions)} open "
                    f"interventions are handed on from {person.full_name}.",
                )
                return redirect(back)
        else:
            plan = selectors.tutor_hand_on_plan(request.user, person, receiving)
            return render(
                request,
                "configuration/hand_on_confirm.html",
                {"person": person, "plan": plan, "receiving": receiving, "back": back},
            )
    return render(
        request,
        "configuration/hand_on.html",
        {
            "form": form,
            "person": person,
            "title": f"Hand on {person.full_name}'s learners",
            "cancel": back,
            "can_configure": can_configure,
        },
    )


# Prisons and regions


@require_GET
def prison_list(request):
    return render(
        request,
        "configuration/prison_list.html",
        {
            "prisons": selectors.prisons_for_configuration(request.user),
            "regions": selectors.regions_for_configuration(request.user),
        },
    )


@GET_POST
def prison_add(request):
    access_for(request.user).require(Capability.CONFIGURE)
    form = forms.PrisonAddForm(_data(request))

    def save(data) -> str:
        prison = services.prison_add(actor=request.user, **data)
        return f"{prison.name} added."

    return _form_page(
        request,
        form,
        title="Add a prison",
        save=save,
        cancel=reverse("configuration:prison_list"),
    )


@GET_POST
def prison_edit(request, pk: int):
    prison = selectors.prison_for_configuration(request.user, pk)
    form = forms.PrisonEditForm(_data(request), prison=prison)

    def save(data) -> str:
        services.prison_update(actor=request.user, prison=prison, **data)
        return f"{data['name']} saved."

    return _form_page(
        request,
        form,
        title=f"Rename {prison.name} or change its region",
        intro=f"The prison code, {prison.code}, stays the same.",
        save=save,
        cancel=reverse("configuration:prison_list"),
    )


@GET_POST
def prison_close(request, pk: int):
    prison = selectors.prison_for_configuration(request.user, pk)

    def act() -> str:
        services.prison_close(actor=request.user, prison=prison)
        return f"{prison.name} is closed. Its records stay; no new learners can join it."

    return _confirm_page(
        request,
        title=f"Close {prison.name}",
        body="Learners and staff at the prison keep their records and history, and it "
        "still counts in reports for the periods it was open. No new learner can be "
        "enrolled at it or transferred to it, and it is no longer offered to staff.",
        button="Close prison",
        act=act,
        back=reverse("configuration:prison_list"),
        warning=True,
    )


@GET_POST
def prison_reopen(request, pk: int):
    prison = selectors.prison_for_configuration(request.user, pk)

    def act() -> str:
        services.prison_reopen(actor=request.user, prison=prison)
        return f"{prison.name} is open again."

    return _confirm_page(
        request,
        title=f"Reopen {prison.name}",
        body="Learners can be enrolled at the prison and transferred to it again.",
        button="Reopen prison",
        act=act,
        back=reverse("configuration:prison_list"),
    )


@GET_POST
def region_add(request):
    access_for(request.user).require(Capability.CONFIGURE)
    form = forms.RegionForm(_data(request))

    def save(data) -> str:
        region = services.region_add(actor=request.user, **data)
        return f"{region.name} added."

    return _form_page(
        request, form, title="Add a region", save=save, cancel=reverse("configuration:prison_list")
    )


@GET_POST
def region_edit(request, pk: int):
    region = selectors.region_for_configuration(request.user, pk)
    form = forms.RegionForm(_data(request), region=region)

    def save(data) -> str:
        services.region_rename(actor=request.user, region=region, **data)
        return f"Region renamed to {data['name']}."

    return _form_page(
        request,
        form,
        title=f"Rename the region {region.name}",
        save=save,
        cancel=reverse("configuration:prison_list"),
    )


# Settings


@require_GET
def settings_page(request):
    access_for(request.user).require(Capability.CONFIGURE)
    return render(request, "configuration/settings.html", {"groups": settings_summary()})


@GET_POST
def reminder_time_edit(request, number: int):
    access_for(request.user).require(Capability.CONFIGURE)
    jobs = {row["number"]: row for row in reminder_job_times()}
    if number not in jobs:
        raise Http404("No such reminder job.")
    job = jobs[number]
    form = forms.ReminderTimeForm(_data(request))

    def save(data) -> str:
        services.reminder_time_change(actor=request.user, name=job["name"], at=data["at"])
        return f"{job['name']} now runs at {data['at']:%H:%M}."

    return _form_page(
        request,
        form,
        title=f"Change the time: {job['name']}",
        intro=f"Now: {job['when']}. The day stays the same.",
        save=save,
        cancel=reverse("configuration:settings"),
    )


# Curriculum (reviews.curriculum writes it)


def _curriculum_url() -> str:
    return reverse("configuration:curriculum")


@require_GET
def curriculum(request):
    return render(
        request,
        "configuration/curriculum.html",
        {"tracks": selectors.curriculum_for_configuration(request.user)},
    )


@GET_POST
def track_add(request):
    access_for(request.user).require(Capability.CONFIGURE)
    next_order = max([t.order for t in selectors.curriculum_for_configuration(request.user)] or [0])
    form = forms.TrackForm(_data(request), initial={"order": next_order + 1})

    def save(data) -> str:
        track = curriculum_services.track_add(actor=request.user, **data)
        return f"Track {track.name} added. Add its modules next."

    return _form_page(request, form, title="Add a track", save=save, cancel=_curriculum_url())


@GET_POST
def track_edit(request, pk: int):
    track = selectors.track_for_configuration(request.user, pk)
    form = forms.TrackForm(
        _data(request),
        track=track,
        initial={"name": track.name, "description": track.description, "order": track.order},
    )

    def save(data) -> str:
        curriculum_services.track_update(actor=request.user, track=track, **data)
        return f"Track {data['name']} saved."

    return _form_page(
        request, form, title=f"Change the track {track.name}", save=save, cancel=_curriculum_url()
    )


@GET_POST
def module_add(request, track_pk: int):
    track = selectors.track_for_configuration(request.user, track_pk)
    form = forms.ModuleForm(
        _data(request), track=track, initial={"order": selectors.next_module_order(track)}
    )

    def save(data) -> str:
        module = curriculum_services.module_add(actor=request.user, track=track, **data)
        return f"Module {module.title} added to {track.name}."

    return _form_page(
        request,
        form,
        title=f"Add a module to {track.name}",
        intro="When the modules required to graduate change, every active learner who "
        "has now completed them all becomes a graduate.",
        save=save,
        cancel=_curriculum_url(),
    )


@GET_POST
def module_edit(request, pk: int):
    module = selectors.module_for_configuration(request.user, pk)
    form = forms.ModuleForm(
        _data(request),
        track=module.track,
        module=module,
        initial={
            "title": module.title,
            "level": module.level,
            "required_for_graduation": "yes" if module.required_for_graduation else "no",
            "order": module.order,
            "description": module.description,
        },
    )

    def save(data) -> str:
        curriculum_services.module_update(actor=request.user, module=module, **data)
        return f"Module {data['title']} saved."

    return _form_page(
        request,
        form,
        title=f"Change the module {module.title}",
        intro="When the modules required to graduate change, every active learner who "
        "has now completed them all becomes a graduate.",
        save=save,
        cancel=_curriculum_url(),
    )


@GET_POST
def module_retire(request, pk: int):
    module = selectors.module_for_configuration(request.user, pk)

    def act() -> str:
        curriculum_services.module_retire(actor=request.user, module=module)
        return f"{module.title} is retired. Completions already recorded stay."

    return _confirm_page(
        request,
        title=f"Retire the module {module.title}",
        body="Tutors can no longer record it and it is no longer required to graduate. "
        "Completions already recorded stay on learners' records. You can restore it later.",
        button="Retire module",
        act=act,
        back=_curriculum_url(),
        warning=True,
    )


@GET_POST
def module_restore(request, pk: int):
    module = selectors.module_for_configuration(request.user, pk)

    def act() -> str:
        curriculum_services.module_restore(actor=request.user, module=module)
        return f"{module.title} is offered again."

    return _confirm_page(
        request,
        title=f"Restore the module {module.title}",
        body="Tutors can record it again"
        + (", and it is required to graduate again." if module.required_for_graduation else "."),
        button="Restore module",
        act=act,
        back=_curriculum_url(),
    )
