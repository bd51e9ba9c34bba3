"""A small world for the role-by-route matrix and the crawls: two prisons, a user
of every role at the first (and an RM at the second), a learner at each prison.
Each app adds the records its routes need in `tests/routes/<app>.py: build(world)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Role
from tests.factories import ConsentFactory, LearnerFactory, PrisonFactory, UserFactory
from tests.routes import Who, route_modules


@dataclass
class World:
    prison: Any
    other_prison: Any
    users: dict[Who, Any]
    learner: Any  # at `prison`, consented to sharing with the OMU
    other_learner: Any  # at `other_prison`
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, make_learner: Callable[[Any, dict[Who, Any]], Any] | None = None) -> World:
        """`make_learner(prison, users)` makes `learner` another way (e.g. by import)."""
        prison = PrisonFactory(code="HMI", name="HMP Humber")
        other = PrisonFactory(code="RSI", name="HMP Risley")
        users = {
            Who.TUTOR: UserFactory(role=Role.TUTOR, prisons=[prison], full_name="Tom Tutor"),
            Who.RM: UserFactory(
                role=Role.REGIONAL_MANAGER, prisons=[prison], full_name="Rachel Manager"
            ),
            Who.OMU: UserFactory(role=Role.OMU, prisons=[prison], full_name="Olivia Omu"),
            Who.DIRECTOR: UserFactory(role=Role.DIRECTOR, full_name="Dana Director"),
            Who.ADMIN: UserFactory(
                role=Role.ADMINISTRATOR, full_name="Alex Admin", is_staff=True, is_superuser=True
            ),
            Who.OTHER_PRISON: UserFactory(
                role=Role.REGIONAL_MANAGER, prisons=[other], full_name="Oscar Elsewhere"
            ),
        }
        learner = (
            make_learner(prison, users)
            if make_learner is not None
            else LearnerFactory(
                prison=prison, first_name="Jamie", last_name="Doyle", tutor=users[Who.TUTOR]
            )
        )
        ConsentFactory(learner=learner)
        other_learner = LearnerFactory(prison=other, first_name="Casey", last_name="Far")
        world = cls(
            prison=prison,
            other_prison=other,
            users=users,
            learner=learner,
            other_learner=other_learner,
        )
        for module in route_modules():
            build = getattr(module, "build", None)
            if build is not None:
                build(world)
        return world
