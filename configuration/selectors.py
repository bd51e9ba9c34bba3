"""Reads for the configuration pages. Every function is a gate: only a role with
the CONFIGURE capability (administrators) gets past it, except the hand-on reads,
which also let a regional manager in for their own prisons."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import Capability, access_for
from accounts.models import Prison, Region, Role, User
from learners.models import Learner
from reviews.models import Intervention, InterventionStatus, Module, Track


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


# Handing on a departing tutor's learners and open interventions (issue 17 item 8)


def hand_on_prisons(user) -> frozenset[int] | None:
    """The prisons whose learners `user` may hand on from a departing tutor: every
    prison (None) for an administrator, their own for a regional manager; anyone
    else is refused (403)."""
    access = access_for(user)
    if access.can(Capability.CONFIGURE):
        return None
    if access.role == Role.REGIONAL_MANAGER:
        return access.prison_ids
    raise PermissionDenied


def tutor_for_hand_on(user, pk: int) -> User:
    """The departing tutor: for a regional manager, only one who works at (or has
    learners at) one of the regional manager's prisons (404 otherwise)."""
    prisons = hand_on_prisons(user)
    staff = User.objects.prefetch_related("prisons")
    if prisons is not None:
        staff = staff.filter(
            Q(prisons__in=prisons) | Q(tutored_learners__prison__in=prisons), role=Role.TUTOR
        ).distinct()
    try:
        return staff.get(pk=pk)
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404("No such member of staff.") from exc


def tutors_to_receive(user, departing: User) -> QuerySet[User]:
    """Active tutors who share at least one prison with the departing tutor (for a
    regional manager, one of the regional manager's prisons)."""
    scope = hand_on_prisons(user)
    shared = departing.prisons.values("pk")
    if scope is not None:
        shared = shared.filter(pk__in=scope)
    return (
        User.objects.filter(
            role=Role.TUTOR,
            is_active=True,
            prisons__in=shared,
        )
        .exclude(pk=departing.pk)
        .prefetch_related("prisons")
        .distinct()
        .order_by("full_name", "pk")
    )


@dataclass
class HandOnPlan:
    """Who takes on each learner and each open intervention. A learner goes to the
    receiving tutor at their prison with the fewest taken on so far; an open
    intervention of the departing tutor goes to its learner's new tutor (or, for
    a learner tutored by someone else, the receiving tutor at their prison with
    the fewest)."""

    learners: list[tuple[Learner, User]] = field(default_factory=list)
    interventions: list[tuple[Intervention, User]] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)  # prison names nobody receives at

    def counts(self) -> list[tuple[User, int, int]]:
        """Per receiving tutor: learners and open interventions they take on."""
        rows: dict[int, list] = {}
        for _, tutor in self.learners:
            rows.setdefault(tutor.pk, [tutor, 0, 0])[1] += 1
        for _, tutor in self.interventions:
            rows.setdefault(tutor.pk, [tutor, 0, 0])[2] += 1
        return [tuple(row) for row in sorted(rows.values(), key=lambda r: r[0].full_name)]


def tutor_hand_on_plan(user, departing: User, receiving: list[User]) -> HandOnPlan:
    """The plan for the confirmation page and the service (which works it out
    again inside its transaction). Three queries. A regional manager hands on only
    the learners (and interventions on learners) at their own prisons."""
    scope = hand_on_prisons(user)
    plan = HandOnPlan()
    taken: dict[int, int] = {tutor.pk: 0 for tutor in receiving}
    covers = {tutor.pk: {p.pk for p in tutor.prisons.all()} for tutor in receiving}

    def choose(prison: Prison) -> User | None:
        candidates = [t for t in receiving if prison.pk in covers[t.pk]]
        if not candidates:
            if prison.name not in plan.uncovered:
                plan.uncovered.append(prison.name)
            return None
        chosen = min(candidates, key=lambda t: (taken[t.pk], t.full_name, t.pk))
        taken[chosen.pk] += 1
        return chosen

    learners = Learner.objects.filter(tutor=departing, anonymised_at__isnull=True)
    interventions = Intervention.objects.filter(owner=departing, status=InterventionStatus.OPEN)
    if scope is not None:
        learners = learners.filter(prison__in=scope)
        interventions = interventions.filter(learner__prison__in=scope)
    learners = learners.select_related("prison").order_by(
        "prison__name", "last_name", "first_name", "pk"
    )
    new_tutor: dict[int, User] = {}
    for learner in learners:
        tutor = choose(learner.prison)
        if tutor is not None:
            plan.learners.append((learner, tutor))
            new_tutor[learner.pk] = tutor
    interventions = interventions.select_related("learner__prison").order_by(
        "learner__prison__name", "due_on", "pk"
    )
    for intervention in interventions:
        tutor = new_tutor.get(intervention.learner_id) or choose(intervention.learner.prison)
        if tutor is not None:
            plan.interventions.append((intervention, tutor))
    return plan
