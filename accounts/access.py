"""The access gate: which prisons and which kinds of record a user may see and change.

Every selector that reads learner data starts here. Nothing else in the code
decides what a role may do, so the rules can be read, and tested, in one place.

Two questions are answered:

* *Which prisons?* Regional managers, tutors and OMU staff see the prisons they
  are members of; directors and administrators see every prison.
* *Which kinds of record, to see or to change?* The capability table below.

OMU staff are further limited, learner by learner, to those who consented to
sharing their resettlement plan: `Access.needs_sharing_consent` tells selectors
to apply that filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.models import Role


class Capability(StrEnum):
    # Seeing
    VIEW_LEARNER_IDENTITY = "view_learner_identity"  # name, number, prison, release, status
    VIEW_LEARNER_RECORD = "view_learner_record"  # intake, learning, reviews, timeline
    VIEW_RESTRICTED = "view_restricted"  # health, recovery, offending-behaviour notes
    VIEW_RESETTLEMENT_PLAN = "view_resettlement_plan"
    VIEW_REPORTS = "view_reports"
    VIEW_AUDIT = "view_audit"
    # Changing
    ENROL_LEARNER = "enrol_learner"
    CHANGE_LEARNER = "change_learner"  # details, intake, status, transfer, import, release
    RECORD_PROGRESS = "record_progress"  # module completions, reviews, interventions
    CHANGE_RESETTLEMENT_PLAN = "change_resettlement_plan"
    UPDATE_PRISON_ACTIONS = "update_prison_actions"  # actions the prison owns; comments
    MAKE_REPORTS = "make_reports"  # partner reports, exports, subject access
    CONFIGURE = "configure"  # users, prisons, curriculum, settings


C = Capability
_READ_EVERYTHING = frozenset(
    {
        C.VIEW_LEARNER_IDENTITY,
        C.VIEW_LEARNER_RECORD,
        C.VIEW_RESTRICTED,
        C.VIEW_RESETTLEMENT_PLAN,
        C.VIEW_REPORTS,
        C.VIEW_AUDIT,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.REGIONAL_MANAGER: frozenset(
        {
            C.VIEW_LEARNER_IDENTITY,
            C.VIEW_LEARNER_RECORD,
            C.VIEW_RESTRICTED,
            C.VIEW_RESETTLEMENT_PLAN,
            C.ENROL_LEARNER,
            C.CHANGE_LEARNER,
            C.RECORD_PROGRESS,
            C.CHANGE_RESETTLEMENT_PLAN,
            C.UPDATE_PRISON_ACTIONS,
        }
    ),
    Role.TUTOR: frozenset(
        {
            C.VIEW_LEARNER_IDENTITY,
            C.VIEW_LEARNER_RECORD,
            C.VIEW_RESETTLEMENT_PLAN,
            C.RECORD_PROGRESS,
        }
    ),
    Role.OMU: frozenset(
        {
            C.VIEW_LEARNER_IDENTITY,
            C.VIEW_RESETTLEMENT_PLAN,
            C.UPDATE_PRISON_ACTIONS,
        }
    ),
    Role.DIRECTOR: _READ_EVERYTHING | {C.MAKE_REPORTS},
    Role.ADMINISTRATOR: _READ_EVERYTHING | {C.CONFIGURE},
}

ROLES_SEEING_EVERY_PRISON = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Access:
    """What one signed-in user may do. Build it with `access_for(user)`."""

    user_id: int | None
    role: str | None
    capabilities: frozenset[Capability]
    prison_ids: frozenset[int]
    all_prisons: bool

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def require(self, capability: Capability) -> None:
        """Raise PermissionDenied (403) unless the role has the capability."""
        if not self.can(capability):
            raise PermissionDenied(f"Your role cannot {capability.value.replace('_', ' ')}.")

    def covers_prison(self, prison_id: int | None) -> bool:
        if prison_id is None:
            return False
        return self.all_prisons or prison_id in self.prison_ids

    def prison_q(self, field: str = "prison") -> Q:
        """A filter that keeps rows whose `field` is a prison this user covers."""
        if self.all_prisons:
            return Q()
        if not self.prison_ids:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": sorted(self.prison_ids)})

    @property
    def sees_restricted(self) -> bool:
        return self.can(C.VIEW_RESTRICTED)

    @property
    def needs_sharing_consent(self) -> bool:
        """OMU staff see only learners who consented to sharing with their prison."""
        return self.role == Role.OMU

    @property
    def is_read_only(self) -> bool:
        return not (
            self.capabilities
            & {C.ENROL_LEARNER, C.CHANGE_LEARNER, C.RECORD_PROGRESS, C.UPDATE_PRISON_ACTIONS}
        )


NO_ACCESS = Access(
    user_id=None, role=None, capabilities=frozenset(), prison_ids=frozenset(), all_prisons=False
)


def access_for(user) -> Access:
    """The gate for `user`, computed once and cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_learner_journey_access", None)
    if cached is not None:
        return cached
    role = user.role
    all_prisons = role in ROLES_SEEING_EVERY_PRISON
    if all_prisons:
        prison_ids: Iterable[int] = ()
    else:
        # Brought with the user by the sign-in backend (accounts.backends) on
        # every request; one query otherwise.
        prison_ids = getattr(user, "signed_in_prison_ids", None)
        if prison_ids is None:
            prison_ids = user.prisons.values_list("pk", flat=True)
    access = Access(
        user_id=user.pk,
        role=role,
        capabilities=ROLE_CAPABILITIES.get(role, frozenset()),
        prison_ids=frozenset(prison_ids),
        all_prisons=all_prisons,
    )
    user._learner_journey_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached gate, after a change to the user's role or prisons."""
    if hasattr(user, "_learner_journey_access"):
        del user._learner_journey_access
    if hasattr(user, "signed_in_prison_ids"):  # as loaded at the start of the request
        del user.signed_in_prison_ids
