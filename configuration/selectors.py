"""Reads for the configuration pages. Every function is a gate: only a role with
the CONFIGURE capability (administrators) gets past it."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import Capability, access_for
from accounts.models import Prison, Region, Role, User
from reviews.models import Module, Track


def _require_configure(user) -> None:
    access_for(user).require(Capability.CONFIGURE)


STAFF_STATUSES = {
    "active": "Active",
    "invited": "Invited, password not yet set",
    "deactivated": "Deactivated",
}


def staff_list_for_user(
    user,
    *,
    search: str = "",
    role: str = "",
    prison: Prison | None = None,
    status: str = "",
) -> QuerySet[User]:
    """Staff for the list page, filtered; prisons fetched in one more query."""
    _require_configure(user)
    staff = User.objects.prefetch_related("prisons").order_by("full_name", "pk")
    search = search.strip()
    if search:
        staff = staff.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if role in Role.values:
        staff = staff.filter(role=role)
    if prison is not None:
        staff = staff.filter(prisons=prison)
    # An invited person has no password yet: Django marks it unusable with "!".
    not_set = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if status == "active":
        staff = staff.filter(is_active=True).exclude(not_set)
    elif status == "invited":
        staff = staff.filter(not_set, is_active=True)
    elif status == "deactivated":
        staff = staff.filter(is_active=False)
    return staff


def staff_for_user(user, pk: int) -> User:
    _require_configure(user)
    try:
        return User.objects.prefetch_related("prisons").get(pk=pk)
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404("No such member of staff.") from exc


def prisons_for_configuration(user) -> QuerySet[Prison]:
    """Every prison, open and closed, with its staff and learner counts."""
    _require_configure(user)
    return (
        Prison.objects.select_related("region")
        .annotate(
            staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True),
            learner_count=Count("learners", distinct=True),
        )
        .order_by("-is_active", "name")
    )


def prison_for_configuration(user, pk: int) -> Prison:
    _require_configure(user)
    try:
        return Prison.objects.select_related("region").get(pk=pk)
    except (Prison.DoesNotExist, ValueError) as exc:
        raise Http404("No such prison.") from exc


def regions_for_configuration(user) -> QuerySet[Region]:
    _require_configure(user)
    return Region.objects.annotate(prison_count=Count("prisons")).order_by("name")


def region_for_configuration(user, pk: int) -> Region:
    _require_configure(user)
    try:
        return Region.objects.get(pk=pk)
    except (Region.DoesNotExist, ValueError) as exc:
        raise Http404("No such region.") from exc


# Curriculum (reviews.models)


def curriculum_for_configuration(user):
    """Every track with its modules in order, retired ones included, and how many
    learners completed each."""

    _require_configure(user)
    modules = Module.objects.annotate(completion_count=Count("completions")).order_by(
        "order", "title"
    )
    return Track.objects.prefetch_related(Prefetch("modules", queryset=modules)).order_by(
        "order", "name"
    )


def track_for_configuration(user, pk: int):

    _require_configure(user)
    try:
        return Track.objects.get(pk=pk)
    except (Track.DoesNotExist, ValueError) as exc:
        raise Http404("No such track.") from exc


def module_for_configuration(user, pk: int):

    _require_configure(user)
    try:
        return Module.objects.select_related("track").get(pk=pk)
    except (Module.DoesNotExist, ValueError) as exc:
        raise Http404("No such module.") from exc


def next_module_order(track: Track) -> int:
    """The order a new module takes at the end of its track."""
    return (track.modules.aggregate(last=Max("order"))["last"] or 0) + 1
