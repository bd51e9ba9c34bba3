"""A small world built by hand, whose every figure is known.

Period: calendar year 2025. Prisons: HMP Humber only (HMP Risley is left out and
holds a released graduate in tech work who must not be counted).

At Humber:
* 10 graduates (graduated in 2025), all released in 2025, whose latest follow-up
  says: 3 in tech work, 1 self-employed, 2 in training, 1 in higher education,
  1 returned to custody, 2 lost contact. One of the tech three was in training at
  an earlier follow-up; one of the lost-contact pair has a follow-up confirmed
  after the period, which must be ignored.
* 2 released learners who did not graduate (active): 1 employed outside tech,
  1 lost contact.
* 5 active learners who joined in 2025, 1 withdrawn who joined in 2025, 1 still
  only referred (joined 2025).
* 10 reviews held in 2025 with due dates, 8 of them on time; 1 draft; 1 held in 2024.
* 12 module completions in 2025, 2 in 2024.
* 6 interventions raised in 2025 (3 done and 1 cancelled in 2025); 1 raised in
  2024 and closed in 2025.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from learners.models import CourseStatus, CustodyStatus
from resettlement.models import FollowUp, Outcome, OutcomeKind, Release, ReleaseType
from reviews.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    Module,
    ModuleCompletion,
    Review,
    ReviewStatus,
    Track,
)
from tests.factories import LearnerFactory

D = dt.date
PERIOD = (D(2025, 1, 1), D(2025, 12, 31))

GRADUATE_OUTCOMES = [
    OutcomeKind.EMPLOYED_TECH,
    OutcomeKind.EMPLOYED_TECH,
    OutcomeKind.EMPLOYED_TECH,
    OutcomeKind.SELF_EMPLOYED_TECH,
    OutcomeKind.TRAINING,
    OutcomeKind.TRAINING,
    OutcomeKind.EDUCATION,
    OutcomeKind.RETURNED_TO_CUSTODY,
    OutcomeKind.LOST_CONTACT,
    OutcomeKind.LOST_CONTACT,
]


@dataclass
class HandBuiltWorld:
    prison: object
    other_prison: object
    graduates: list = field(default_factory=list)


def _release(learner, released_on: dt.date, outcomes: list[tuple[int, dt.date, str]], **kw):
    release = Release.objects.create(
        learner=learner,
        released_on=released_on,
        release_type=ReleaseType.LICENCE,
        area="Hull",
        **kw,
    )
    for months, confirmed_on, kind in outcomes:
        follow_up = FollowUp.objects.create(
            release=release,
            learner=learner,
            months=months,
            due_on=confirmed_on,
            confirmed_on=confirmed_on,
        )
        Outcome.objects.create(
            follow_up=follow_up, learner=learner, confirmed_on=confirmed_on, kind=kind
        )
    return release


def build_hand_built_world(prison, other_prison, owner) -> HandBuiltWorld:
    world = HandBuiltWorld(prison=prison, other_prison=other_prison)
    track = Track.objects.create(name="Web foundations", order=1)
    modules = [Module.objects.create(track=track, title=f"Module {n}", order=n) for n in range(4)]

    for index, kind in enumerate(GRADUATE_OUTCOMES):
        graduate = LearnerFactory(
            prison=prison,
            first_name=f"Graduate{index}",
            joined_on=D(2024, 3, 1),
            course_status=CourseStatus.GRADUATED,
            graduated_on=D(2025, 2 + index // 3, 10),  # Feb, Mar, Apr, May
            custody_status=CustodyStatus.RELEASED,
        )
        follow_ups = [(3, D(2025, 9, 1), kind)]
        if index == 0:  # in training first, in tech work at the latest follow-up
            follow_ups.insert(0, (1, D(2025, 7, 1), OutcomeKind.TRAINING))
        if index == 8:  # a later follow-up, after the period: ignored
            follow_ups.append((6, D(2026, 2, 1), OutcomeKind.EMPLOYED_TECH))
        returned = {"returned_to_custody_on": D(2025, 8, 20)} if index == 7 else {}
        _release(graduate, D(2025, 6, 1), follow_ups, **returned)
        world.graduates.append(graduate)

    for index, kind in enumerate([OutcomeKind.EMPLOYED_OTHER, OutcomeKind.LOST_CONTACT]):
        released = LearnerFactory(
            prison=prison,
            first_name=f"Released{index}",
            joined_on=D(2024, 5, 1),
            course_status=CourseStatus.ACTIVE,
            custody_status=CustodyStatus.RELEASED,
        )
        _release(released, D(2025, 10, 1), [(1, D(2025, 11, 1), kind)])

    starters = [
        LearnerFactory(
            prison=prison, joined_on=D(2025, month, 5), course_status=CourseStatus.ACTIVE
        )
        for month in (1, 2, 4, 7, 8)
    ]
    LearnerFactory(prison=prison, joined_on=D(2025, 3, 1), course_status=CourseStatus.WITHDRAWN)
    LearnerFactory(prison=prison, joined_on=D(2025, 11, 1), course_status=CourseStatus.REFERRED)

    # Elsewhere: must not be counted.
    far = LearnerFactory(
        prison=other_prison,
        joined_on=D(2024, 1, 1),
        course_status=CourseStatus.GRADUATED,
        graduated_on=D(2025, 3, 1),
        custody_status=CustodyStatus.RELEASED,
    )
    _release(far, D(2025, 5, 1), [(1, D(2025, 6, 1), OutcomeKind.EMPLOYED_TECH)])
    Review.objects.create(
        learner=far, status=ReviewStatus.COMPLETE, held_on=D(2025, 3, 1), due_on=D(2025, 1, 1)
    )
    ModuleCompletion.objects.create(
        learner=far, module=modules[0], completed_on=D(2025, 3, 1), evidence="x"
    )

    # Reviews: 10 held in 2025 with due dates, 8 on time (two a day late), 1 draft, 1 in 2024.
    for index, learner in enumerate(starters * 2):
        due = D(2025, 9, 1 + index)
        held = due + dt.timedelta(days=1) if index in (3, 7) else due - dt.timedelta(days=2)
        Review.objects.create(
            learner=learner, status=ReviewStatus.COMPLETE, held_on=held, due_on=due
        )
    Review.objects.create(learner=world.graduates[0], status=ReviewStatus.DRAFT)
    Review.objects.create(
        learner=world.graduates[1],
        status=ReviewStatus.COMPLETE,
        held_on=D(2024, 12, 1),
        due_on=D(2024, 12, 5),
    )

    # Module completions: 12 in 2025 (3 learners x 4 modules), 2 in 2024.
    for learner in starters[:3]:
        for n, module in enumerate(modules):
            ModuleCompletion.objects.create(
                learner=learner, module=module, completed_on=D(2025, 9, 10 + n), evidence="site"
            )
    for module in modules[:2]:
        ModuleCompletion.objects.create(
            learner=world.graduates[2], module=module, completed_on=D(2024, 6, 1), evidence="app"
        )

    # Interventions.
    def intervention(raised: dt.date, status=InterventionStatus.OPEN, closed=None):
        Intervention.objects.create(
            learner=starters[0],
            kind=InterventionKind.EXTRA_TUTOR_TIME,
            description="More time with the tutor",
            owner=owner,
            due_on=raised + dt.timedelta(days=30),
            status=status,
            raised_at=dt.datetime(raised.year, raised.month, raised.day, 12, tzinfo=dt.UTC),
            closed_on=closed,
        )

    for month in (2, 3, 4):
        intervention(D(2025, month, 1), InterventionStatus.DONE, D(2025, month, 20))
    intervention(D(2025, 5, 1), InterventionStatus.CANCELLED, D(2025, 5, 2))
    intervention(D(2025, 6, 1))
    intervention(D(2025, 7, 1))
    intervention(D(2024, 11, 1), InterventionStatus.DONE, D(2025, 1, 15))
    return world
