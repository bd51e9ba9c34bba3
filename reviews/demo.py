"""Demo curriculum, completions, skill ratings, reviews (on time, due, overdue,
paused, pre-release), graduates and interventions. Deterministic.

History (completions and reviews held in the past) is written directly with its
real dates, so the timeline reads as it happened; the present state goes through
the services (graduation, pauses, the schedule)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import Role
from learners.models import CourseStatus, CustodyStatus, Learner, StatusField, TimelineKind
from learners.services import learner_status_move
from learners.timeline import timeline_record
from reviews import services
from reviews.models import (
    Attendance,
    Intervention,
    InterventionKind,
    InterventionStatus,
    Level,
    Module,
    ModuleCompletion,
    Rag,
    Review,
    ReviewStatus,
    Skill,
    SkillRating,
    Track,
)
from reviews.schedule import REVIEW_INTERVAL

F, M, A = Level.FOUNDATION, Level.INTERMEDIATE, Level.ADVANCED  # foundation, middle, advanced
CURRICULUM = [
    (
        "Web foundations",
        [
            ("HTML basics", F, True, "Headings, lists, links and images: a first web page."),
            ("CSS styling", F, True, "Selectors, the box model and colour."),
            ("Git and version control", F, True, "Commits, branches and pull requests."),
            ("Responsive layout", M, True, "Flexbox, grid and media queries."),
            ("Accessibility essentials", M, False, "Semantic markup, contrast and keyboards."),
        ],
    ),
    (
        "JavaScript",
        [
            ("JavaScript fundamentals", F, True, "Values, functions, loops and arrays."),
            ("The DOM and events", M, True, "Making pages respond to people."),
            ("Fetch and APIs", M, False, "Reading JSON from a web API."),
            ("Introduction to React", A, False, "Components, props and state."),
        ],
    ),
    (
        "Python",
        [
            ("Python basics", F, True, "Variables, conditions, loops and functions."),
            ("Data structures", M, True, "Lists, dictionaries and files."),
            ("Testing with pytest", M, False, "Writing tests first."),
            ("Web apps with Flask", A, False, "Routes, templates and forms."),
        ],
    ),
    (
        "PHP and SQL",
        [
            ("SQL queries", F, True, "SELECT, WHERE, JOIN and GROUP BY."),
            ("Relational design", M, False, "Tables, keys and normal forms."),
            ("A PHP and MySQL app", A, False, "A small CRUD application."),
        ],
    ),
    (
        "Soft and employability skills",
        [
            ("Working in a team", F, True, "Pair programming and stand-ups."),
            ("CV and portfolio", F, True, "A CV and a portfolio of projects."),
            ("Interview practice", M, True, "Mock interviews with volunteers from industry."),
            ("Presenting your work", M, False, "A show-and-tell to the class."),
        ],
    ),
]

EVIDENCE = [
    "Built a fan page for a football club",
    "Made a recipe site with a shopping list",
    "Wrote a quiz about the Highway Code",
    "Built a budgeting calculator",
    "Made a timetable for the wing's gym sessions",
    "Wrote a program to track reading hours",
    "Built a portfolio page of their projects",
    "Made a to-do list that saves to a file",
]
PROGRESS = [
    "Steady progress through the web track; asks good questions.",
    "Finished two modules and helped others in the class.",
    "Slower this period after moving wings, but back on track.",
    "Strong on logic, needs encouragement to share work.",
]
WORDS = [
    "I never thought I'd be able to build a website. I want to do this for a job.",
    "It's hard sometimes but I like solving the problems.",
    "Coding keeps my head busy. I want to get my CV ready before release.",
    "I liked showing my project to the group.",
]

# Fallback learners when the learners step made none (only on a branch without it).
FALLBACK_NAMES = [
    ("Liam", "Carter"),
    ("Marcus", "Bell"),
    ("Daniel", "Hughes"),
    ("Ryan", "Price"),
    ("Jordan", "Ellis"),
    ("Kieran", "Walsh"),
    ("Tyler", "Moore"),
    ("Callum", "Reid"),
    ("Shane", "Foster"),
    ("Aaron", "Lloyd"),
    ("Connor", "Hayes"),
    ("Jamal", "Ahmed"),
]


def _curriculum() -> list[Module]:
    for track_order, (track_name, modules) in enumerate(CURRICULUM, start=1):
        track, _ = Track.objects.get_or_create(name=track_name, defaults={"order": track_order})
        for order, (title, level, required, description) in enumerate(modules, start=1):
            Module.objects.get_or_create(
                track=track,
                title=title,
                defaults={
                    "order": order,
                    "level": level,
                    "required_for_graduation": required,
                    "description": description,
                },
            )
    return list(Module.objects.current().select_related("track"))


def _fallback_learners(world, rng: random.Random, count: int) -> list[Learner]:
    today = timezone.localdate()
    learners = []
    codes = sorted(world.prisons)
    for index, (first, last) in enumerate(FALLBACK_NAMES[:count]):
        code = codes[index % len(codes)]
        intake = today - dt.timedelta(days=rng.randint(20, 400))
        learner, _ = Learner.objects.get_or_create(
            prison_number=f"R{5000 + index:04d}DM",
            defaults={
                "first_name": first,
                "last_name": last,
                "date_of_birth": dt.date(1985 + index % 15, 1 + index % 12, 1 + index % 27),
                "prison": world.prisons[code],
                "joined_on": intake - dt.timedelta(days=14),
                "intake_completed_on": intake,
                "expected_release_on": today + dt.timedelta(days=rng.randint(60, 900)),
                "course_status": CourseStatus.ACTIVE,
                "tutor": _staff(world, Role.TUTOR, code),
                "regional_manager": _staff(world, Role.REGIONAL_MANAGER, code),
            },
        )
        learners.append(learner)
    return learners


def _staff(world, role: str, code: str):
    try:
        return world.first_of(role, code)
    except LookupError:
        return None


def _ratings(rng: random.Random, start: dict[str, int] | None = None) -> dict[str, int]:
    if start is None:
        return {skill.value: rng.choice([1, 1, 2, 2, 3]) for skill in Skill}
    return {skill: min(4, value + rng.choice([0, 0, 1, 1, 2])) for skill, value in start.items()}


def _rate(learner, ratings, on, actor, review=None) -> None:
    SkillRating.objects.bulk_create(
        SkillRating(
            learner=learner, review=review, skill=s, rating=r, rated_on=on, recorded_by=actor
        )
        for s, r in ratings.items()
    )


def _complete(learner, module, on, actor, rng) -> None:
    completion = ModuleCompletion.objects.create(
        learner=learner,
        module=module,
        completed_on=on,
        assessed_by=actor,
        recorded_by=actor,
        evidence=rng.choice(EVIDENCE),
    )
    timeline_record(
        learner=learner,
        kind=TimelineKind.MODULE,
        summary=f"Completed {module.track.name}: {module.title}",
        actor=actor,
        obj=completion,
        occurred_at=timezone.make_aware(dt.datetime.combine(on, dt.time(15))),
    )


def _hold_review(learner, held_on, due_on, actor, rng, ratings) -> Review:
    rag = rng.choice([Rag.GREEN, Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED])
    review = Review.objects.create(
        learner=learner,
        status=ReviewStatus.COMPLETE,
        due_on=due_on,
        held_on=held_on,
        participants=f"{learner.display_name} and {actor.full_name if actor else 'their tutor'}",
        progress=rng.choice(PROGRESS),
        attendance=rng.choice([Attendance.FULL, Attendance.MOST, Attendance.SOME]),
        engagement="Engaged and punctual." if rag == Rag.GREEN else "Missed some sessions.",
        rag=rag,
        rag_reason="" if rag == Rag.GREEN else "Attendance dropped after a wing move.",
        goals_achieved="Finished the planned modules.",
        goals_continued="Keep building the portfolio.",
        goals_new="Start the JavaScript track.",
        learner_words=rng.choice(WORDS),
        created_by=actor,
        updated_by=actor,
        completed_at=timezone.make_aware(dt.datetime.combine(held_on, dt.time(11))),
    )
    _rate(learner, ratings, held_on, actor, review=review)
    timeline_record(
        learner=learner,
        kind=TimelineKind.REVIEW,
        summary=f"Progress review held ({rag})",
        actor=actor,
        obj=review,
        occurred_at=timezone.make_aware(dt.datetime.combine(held_on, dt.time(11))),
    )
    return review


def seed(world, *, size: int, log) -> None:
    rng = random.Random(4004)  # nosec B311 - deterministic demo data, not security
    today = timezone.localdate()
    modules = _curriculum()
    required = [m for m in modules if m.required_for_graduation]
    learners = list(world.learners)
    if not learners and size:
        learners = _fallback_learners(world, rng, min(size, len(FALLBACK_NAMES)))
    counts = dict.fromkeys(("graduate", "on time", "due", "overdue", "paused", "pre-release"), 0)
    interventions = 0
    for index, learner in enumerate(learners):
        learner.refresh_from_db()
        intake = learner.intake_completed_on
        if intake is None or learner.course_status not in (CourseStatus.ACTIVE,):
            continue
        in_custody = learner.custody_status != CustodyStatus.RELEASED
        tutor = learner.tutor or _staff(world, Role.TUTOR, learner.prison.code)
        target = ["on time", "due", "overdue", "paused", "graduate", "pre-release"][index % 6]
        if not in_custody:
            target = "on time"
        # The last review held: chosen so the next one lands in the target state.
        last_held = {
            "on time": today - dt.timedelta(days=rng.randint(10, 50)),
            "due": today - REVIEW_INTERVAL + dt.timedelta(days=rng.randint(2, 12)),
            "overdue": today - REVIEW_INTERVAL - dt.timedelta(days=rng.randint(3, 30)),
            "paused": today - dt.timedelta(days=rng.randint(40, 70)),
            "graduate": today - dt.timedelta(days=rng.randint(10, 50)),
            "pre-release": today - dt.timedelta(days=rng.randint(20, 40)),
        }[target]

        ratings = _ratings(rng)
        _rate(learner, ratings, intake, tutor)
        # Work back from the last review held, every 12 weeks or so, to the first.
        held_dates = []
        held = last_held
        while held >= intake + REVIEW_INTERVAL - dt.timedelta(days=14):
            held_dates.insert(0, held)
            held -= REVIEW_INTERVAL + dt.timedelta(days=rng.randint(-3, 5))
        due = intake + REVIEW_INTERVAL
        for held_on in held_dates:
            ratings = _ratings(rng, ratings)
            review = _hold_review(learner, held_on, due, tutor, rng, ratings)
            due = held_on + REVIEW_INTERVAL
            if review.rag != Rag.GREEN and tutor is not None:
                Intervention.objects.create(
                    learner=learner,
                    review=review,
                    kind=rng.choice(
                        [InterventionKind.EXTRA_TUTOR_TIME, InterventionKind.PEER_MENTORING]
                    ),
                    description="Extra support to catch up after missed sessions.",
                    owner=tutor,
                    due_on=held_on + dt.timedelta(days=28),
                    # Raised at the review and closed about a month later; one
                    # whose month is not over yet is still open.
                    raised_at=timezone.make_aware(dt.datetime.combine(held_on, dt.time(11, 40))),
                    raised_by=tutor,
                    **(
                        {
                            "status": InterventionStatus.DONE,
                            "outcome": "Caught up with the class.",
                            "closed_on": held_on + dt.timedelta(days=25),
                        }
                        if held_on + dt.timedelta(days=25) <= today
                        else {"status": InterventionStatus.OPEN}
                    ),
                )

        # Module completions spread from the intake to today.
        span = max((today - intake).days, 1)
        if target == "graduate":
            chosen = list(required) + rng.sample([m for m in modules if m not in required], k=2)
        else:
            share = min(0.85, span / 500)
            chosen = rng.sample(required, k=int(len(required) * share)) + rng.sample(
                [m for m in modules if m not in required], k=1
            )
        chosen.sort(key=lambda m: (m.level != Level.FOUNDATION, m.track.order, m.order))
        days = sorted(rng.randint(7, max(span - 1, 8)) for _ in chosen)
        for module, offset in zip(chosen, days, strict=True):
            _complete(learner, module, min(intake + dt.timedelta(days=offset), today), tutor, rng)

        if target == "pre-release" and in_custody:
            learner.expected_release_on = today + dt.timedelta(days=rng.randint(30, 45))
            if (
                learner.earliest_release_on
                and learner.earliest_release_on > learner.expected_release_on
            ):
                learner.earliest_release_on = learner.expected_release_on
            learner.save(update_fields=["expected_release_on", "earliest_release_on", "updated_at"])
        if target == "graduate":
            learner.graduated_on = today - dt.timedelta(days=rng.randint(1, 20))
            learner_status_move(
                actor=tutor,
                learner=learner,
                field=StatusField.COURSE,
                to=CourseStatus.GRADUATED,
                reason="Completed every module required for graduation.",
                kind=TimelineKind.GRADUATION,
                summary=f"Graduated: completed all {len(required)} required modules",
            )
        if target == "paused" and in_custody:
            services.pause_start(
                actor=tutor,
                learner=learner,
                reason=rng.choice(["transfer", "lockdown", "segregation"]),
                started_on=today - dt.timedelta(days=rng.randint(3, 20)),
            )
        if target in ("overdue", "due", "paused") and tutor is not None:
            services.intervention_raise(
                actor=tutor,
                learner=learner,
                kind=rng.choice(
                    [
                        InterventionKind.EXTRA_TUTOR_TIME,
                        InterventionKind.PEER_MENTORING,
                        InterventionKind.LEARNING_SUPPORT,
                        InterventionKind.OMU_LIAISON,
                    ]
                ),
                description="Agreed to keep the learner on track before the next review.",
                owner=tutor,
                due_on=today + dt.timedelta(days=rng.randint(-5, 21)),
            )
            interventions += 1
        schedule = services.schedule_refresh(learner)
        state = schedule.state.value
        label = (
            "graduate"
            if target == "graduate"
            else "pre-release"
            if schedule.pre_release
            else {"not_due": "on time"}.get(state, state)
        )
        if label in counts:
            counts[label] += 1
    # Every other learner with an intake (paused, graduated, released...) gets the
    # due date the schedule gives, so the stored date is always the schedule's.
    for learner in Learner.objects.filter(intake_completed_on__isnull=False).iterator(
        chunk_size=2000
    ):
        services.schedule_refresh(learner)
    summary = ", ".join(f"{n} {label}" for label, n in counts.items())
    log(
        f"Curriculum of {len(modules)} modules; learners: {summary}; "
        f"{interventions} open interventions."
    )
