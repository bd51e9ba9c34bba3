"""Demo learners across the demo prisons, at every stage of the journey.

Deterministic (a fixed random seed) and bulk-inserted, so `seed_demo --learners
20000` runs in seconds. The reviews step builds on the active learners here
(graduation candidates are active learners who joined long ago)."""

import datetime as dt
import random

from django.db.models import F, Func
from django.utils import timezone

from accounts.demo import COVER_STAFF
from accounts.models import Role
from learners.models import (
    AmbitionCategory,
    CaseNote,
    Consent,
    ConsentKind,
    CourseStatus,
    CustodyStatus,
    Gender,
    Goal,
    GoalStatus,
    IntakeDraft,
    IntakeInterview,
    IntakeRestricted,
    Learner,
    Priority,
    StatusChange,
    StatusField,
    SupportNeed,
    TimelineEvent,
    TimelineKind,
    Transfer,
    pnc_check_letter,
)

FIRST_NAMES = [
    "Aaron",
    "Adam",
    "Ahmed",
    "Alfie",
    "Ali",
    "Andrew",
    "Ashley",
    "Ben",
    "Bradley",
    "Callum",
    "Carl",
    "Charlie",
    "Chris",
    "Connor",
    "Craig",
    "Daniel",
    "Darren",
    "Dean",
    "Declan",
    "Dylan",
    "Ethan",
    "Gareth",
    "Harry",
    "Hassan",
    "Ibrahim",
    "Jack",
    "Jake",
    "James",
    "Jamal",
    "Jamie",
    "Jason",
    "Joe",
    "Jordan",
    "Josh",
    "Kai",
    "Karl",
    "Kieran",
    "Lee",
    "Leon",
    "Liam",
    "Luke",
    "Marcus",
    "Mark",
    "Matthew",
    "Michael",
    "Mohammed",
    "Nathan",
    "Neil",
    "Oliver",
    "Owen",
    "Paul",
    "Reece",
    "Ricky",
    "Rhys",
    "Ryan",
    "Sam",
    "Scott",
    "Sean",
    "Shane",
    "Simon",
    "Stephen",
    "Stuart",
    "Terry",
    "Tom",
    "Tyler",
    "Wayne",
    "Zak",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Ali",
    "Allen",
    "Atkinson",
    "Bailey",
    "Baker",
    "Barker",
    "Begum",
    "Bell",
    "Brennan",
    "Brown",
    "Campbell",
    "Carter",
    "Clarke",
    "Collins",
    "Cooper",
    "Davies",
    "Dixon",
    "Doherty",
    "Edwards",
    "Evans",
    "Fletcher",
    "Foster",
    "Graham",
    "Green",
    "Hall",
    "Harris",
    "Hill",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "King",
    "Lewis",
    "Lloyd",
    "Marshall",
    "Martin",
    "Mason",
    "McDonald",
    "Mitchell",
    "Moore",
    "Morgan",
    "Murphy",
    "Murray",
    "O'Brien",
    "Owen",
    "Parker",
    "Patel",
    "Phillips",
    "Price",
    "Quinn",
    "Reid",
    "Richards",
    "Roberts",
    "Robinson",
    "Rogers",
    "Shaw",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
NICKNAMES = {
    "Michael": "Mike",
    "Matthew": "Matt",
    "Daniel": "Dan",
    "Andrew": "Andy",
    "Stephen": "Steve",
    "Thomas": "Tom",
    "Joshua": "Josh",
    "Christopher": "Chris",
    "Mohammed": "Mo",
    "Zak": "Zak",
    "Jamal": "Jay",
    "Ibrahim": "Ibby",
    "Nathan": "Nate",
    "Oliver": "Ollie",
}
RELEASE_AREAS = (
    "Hull",
    "Leeds",
    "Bradford",
    "Sheffield",
    "York",
    "Doncaster",
    "Liverpool",
    "Manchester",
    "Warrington",
    "Wigan",
    "Preston",
    "Grimsby",
)
EDUCATION = (
    "Left school at 15 with no qualifications.",
    "GCSEs in English and maths (grade 4).",
    "Level 2 functional skills in English and maths, gained in custody.",
    "Started an A-level course, did not finish.",
    "BTEC in IT at college; one year of a computing degree.",
    "NVQ level 2 in construction.",
)
WORK = (
    "Warehouse work and labouring on building sites.",
    "Kitchen porter, then line cook.",
    "Delivery driver for three years.",
    "Call centre, then self-employed car valeting.",
    "No steady work before custody.",
    "Retail, then a trainee electrician.",
)
CODING = (
    "Never written code. Uses a phone every day but not a computer.",
    "Built a few pages in HTML at school.",
    "Tinkered with Python tutorials before custody.",
    "Set up and repaired PCs for friends; some Linux.",
    "Made Minecraft mods in Java as a teenager.",
)
AMBITIONS = (
    "Wants to be a web developer and show his kids it is possible.",
    "Wants to run his own web design business for local trades.",
    "Wants to go to college and then university to study computing.",
    "Wants a steady job in IT support.",
    "Wants to build apps for people coming out of prison.",
)
GOALS = (
    "Finish the web foundations track",
    "Build a personal portfolio site",
    "Complete the JavaScript fundamentals modules",
    "Write a Python program that solves a real problem",
    "Improve typing speed to 40 words a minute",
    "Complete the employability skills track",
    "Prepare a CV that includes coding projects",
)
ADJUSTMENTS = (
    "Printed materials on cream paper; extra time on assessments.",
    "Short tasks with regular check-ins.",
    "Sits near the front; written instructions as well as spoken.",
    "",
)

# Shares of the learners at each stage (the rest are active).
STAGES = (
    ("referred", 0.14),
    ("paused", 0.07),
    ("withdrawn", 0.07),
    ("released", 0.14),
    ("returned", 0.02),
    ("candidate", 0.08),
)
BATCH = 2000
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


# Case notes: (text, restricted). Restricted ones are about health, recovery or
# offending-behaviour work, and tutors and OMU staff never see them.
CASE_NOTES = (
    ("Asked for more time on the laptop for the JavaScript module; agreed with the tutor.", False),
    ("Moved to a new wing; classes unaffected.", False),
    ("Family visit went well; keen to show his portfolio to his daughter.", False),
    ("Missed two sessions for legal visits. Catch-up booked.", False),
    ("Talked about the housing application for release; OMU to follow up.", False),
    ("Said he is struggling with his mood since the move; referred to the wellbeing team.", True),
    ("Attending the substance misuse group weekly and says it is helping.", True),
    ("Started the victim awareness course alongside the coding sessions.", True),
)


def _prison_number(index: int) -> str:
    """A unique prison number for each index (a bijection scrambled so the
    numbers look varied): a letter, four digits, two letters."""
    space = 10_000 * 24**3
    n = (index * 7919 + 104_729) % space
    digits, n = n % 10_000, n // 10_000
    return f"{_LETTERS[n % 24]}{digits:04d}{_LETTERS[(n // 24) % 24]}{_LETTERS[n // 576]}"


def _stage(rng: random.Random) -> str:
    roll = rng.random()
    for name, share in STAGES:
        if roll < share:
            return name
        roll -= share
    return "active"


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _justice_data_fields(rng: random.Random, born: dt.date) -> dict[str, str]:
    """Most demo learners have a gender recorded and about two in three a PNC number
    (with its right check letter, from a year after their eighteenth birthday)."""
    gender = rng.choices([Gender.MALE, Gender.FEMALE, Gender.OTHER, ""], [80, 12, 2, 6])[0]
    pnc = ""
    if rng.random() < 0.65:
        year = str(rng.randint(born.year + 18, min(born.year + 40, 2024)))
        serial = f"{rng.randint(1, 999999):07d}"
        pnc = f"{year}/{serial}{pnc_check_letter(year, serial)}"
    return {"gender": gender, "pnc_number": pnc}


def seed(world, *, size: int, log) -> None:
    if size <= 0 or not world.prisons:
        return
    rng = random.Random(4000)  # nosec B311 - deterministic demo data, not security
    # Gender and PNC number (for the Justice Data Lab) from a generator of their own,
    # so the rest of the demo stays as it was.
    jdl_rng = random.Random(4018)  # nosec B311 - deterministic demo data, not security
    today = timezone.localdate()
    prisons = list(world.prisons.values())
    # Cover staff start with no learners: they are there to hand on and change to.
    staff = [user for user in world.staff.values() if user.email not in COVER_STAFF]
    codes_of = {user.pk: {p.code for p in user.prisons.all()} for user in staff}
    tutors = {
        p.code: [u for u in staff if u.role == Role.TUTOR and p.code in codes_of[u.pk]]
        for p in prisons
    }
    managers = {
        p.code: [u for u in staff if u.role == Role.REGIONAL_MANAGER and p.code in codes_of[u.pk]]
        for p in prisons
    }
    taken = set(Learner.objects.values_list("prison_number", flat=True))

    learners: list[Learner] = []
    stages: list[str] = []
    index = Learner.objects.count()
    while len(learners) < size:
        number = _prison_number(index)
        index += 1
        if number in taken:
            continue
        stage = _stage(rng)
        prison = prisons[len(learners) % len(prisons)]
        joined = today - dt.timedelta(days=rng.randint(20, 420))
        if stage == "candidate":
            joined = today - dt.timedelta(days=rng.randint(420, 800))
        elif stage == "referred":
            joined = today - dt.timedelta(days=rng.randint(1, 40))
        born = today - dt.timedelta(days=rng.randint(19 * 365 + 5, 58 * 365))
        if stage in ("released", "returned"):
            expected = joined + dt.timedelta(days=rng.randint(60, 400))
            expected = min(expected, today - dt.timedelta(days=rng.randint(1, 30)))
            expected = max(expected, joined + dt.timedelta(days=30))
            if expected >= today:
                stage = "active"
                expected = today + dt.timedelta(days=rng.randint(30, 900))
        elif rng.random() < 0.15:
            expected = today + dt.timedelta(days=rng.randint(5, 84))  # release within 12 weeks
        else:
            expected = today + dt.timedelta(days=rng.randint(85, 1500))
        earliest = expected - dt.timedelta(days=rng.choice((0, 0, 60, 120, 180)))
        earliest = max(earliest, joined)
        tutor_choices = tutors.get(prison.code) or [None]
        manager_choices = managers.get(prison.code) or [None]
        first = rng.choice(FIRST_NAMES)
        learners.append(
            Learner(
                prison_number=number,
                first_name=first,
                last_name=rng.choice(LAST_NAMES),
                preferred_name=NICKNAMES.get(first, "") if rng.random() < 0.3 else "",
                date_of_birth=born,
                prison=prison,
                joined_on=joined,
                earliest_release_on=earliest,
                expected_release_on=expected,
                tutor=rng.choice(tutor_choices),
                regional_manager=rng.choice(manager_choices),
                created_at=_at(joined, 9),
                **_justice_data_fields(jdl_rng, born),
            )
        )
        stages.append(stage)

    events: list[TimelineEvent] = []
    changes: list[StatusChange] = []
    for learner, stage in zip(learners, stages, strict=True):
        if stage != "referred":
            held = min(learner.joined_on + dt.timedelta(days=rng.randint(3, 21)), today)
            learner.intake_completed_on = held
            learner.course_status = CourseStatus.ACTIVE
            # Every 12 weeks from the intake; a few are overdue. The reviews step
            # maintains this from the reviews it makes.
            due = held + dt.timedelta(weeks=12)
            while due < today - dt.timedelta(days=rng.randint(0, 20)):
                due += dt.timedelta(weeks=12)
            learner.next_review_due_on = due
        if stage == "paused":
            learner.course_status = CourseStatus.PAUSED
        elif stage == "withdrawn":
            learner.course_status = CourseStatus.WITHDRAWN
            learner.next_review_due_on = None
        elif stage in ("released", "returned"):
            learner.custody_status = (
                CustodyStatus.RELEASED if stage == "released" else CustodyStatus.RETURNED
            )
            learner.next_review_due_on = None
    Learner.objects.bulk_create(learners, batch_size=BATCH)

    intakes: list[IntakeInterview] = []
    consents: list[Consent] = []
    goals: list[Goal] = []
    transfers: list[Transfer] = []
    case_notes: list[CaseNote] = []
    for learner, stage in zip(learners, stages, strict=True):
        rm = learner.regional_manager
        events.append(
            TimelineEvent(
                learner=learner,
                kind=TimelineKind.ENROLMENT,
                summary=f"Enrolled at {learner.prison.name}",
                actor=rm,
                occurred_at=_at(learner.joined_on, 9),
                object_type="learners.learner",
                object_id=str(learner.pk),
            )
        )
        if stage == "referred":
            continue
        held = learner.intake_completed_on
        intakes.append(
            IntakeInterview(
                learner=learner,
                held_on=held,
                conducted_by=rm,
                education=rng.choice(EDUCATION),
                work_history=rng.choice(WORK),
                coding_experience=rng.choice(CODING),
                ambitions=rng.choice(AMBITIONS),
                ambition_categories=rng.sample(AmbitionCategory.values[:3], rng.randint(1, 2)),
                support_needs=(
                    rng.sample(SupportNeed.values[:6], rng.randint(1, 2))
                    if rng.random() < 0.35
                    else []
                ),
                reasonable_adjustments=rng.choice(ADJUSTMENTS),
                priorities=rng.sample(Priority.values, rng.randint(0, 2)),
                release_area=rng.choice(RELEASE_AREAS),
                created_at=_at(held, 14),
            )
        )
        events.append(
            TimelineEvent(
                learner=learner,
                kind=TimelineKind.INTAKE,
                summary="Intake interview completed",
                actor=rm,
                occurred_at=_at(held, 14),
            )
        )
        changes.append(
            StatusChange(
                learner=learner,
                field=StatusField.COURSE,
                from_status=CourseStatus.REFERRED,
                to_status=CourseStatus.ACTIVE,
                reason="Intake interview completed",
                changed_by=rm,
                changed_at=_at(held, 14),
            )
        )
        events.append(
            TimelineEvent(
                learner=learner,
                kind=TimelineKind.STATUS,
                summary="Course status changed from referred to active",
                actor=rm,
                occurred_at=_at(held, 14),
            )
        )
        for kind, share in (
            (ConsentKind.SHARE_WITH_OMU, 0.85),
            (ConsentKind.CONTACT_AFTER_RELEASE, 0.7),
            (ConsentKind.CASE_STUDY, 0.3),
        ):
            if rng.random() < share:
                withdrawn = None
                if rng.random() < 0.04 and held < today:
                    withdrawn = held + dt.timedelta(days=rng.randint(1, (today - held).days))
                consents.append(
                    Consent(
                        learner=learner,
                        kind=kind,
                        given_on=held,
                        withdrawn_on=withdrawn,
                        recorded_by=rm,
                        recorded_at=_at(held, 14),
                        withdrawal_recorded_by=rm if withdrawn else None,
                        withdrawal_recorded_at=_at(withdrawn, 15) if withdrawn else None,
                    )
                )
                if withdrawn:
                    events.append(
                        TimelineEvent(
                            learner=learner,
                            kind=TimelineKind.CONSENT,
                            summary=f"{kind.label}: withdrawn",
                            actor=rm,
                            occurred_at=_at(withdrawn, 15),
                        )
                    )
                events.append(
                    TimelineEvent(
                        learner=learner,
                        kind=TimelineKind.CONSENT,
                        summary=f"{kind.label}: given",
                        actor=rm,
                        occurred_at=_at(held, 14),
                    )
                )
        if rng.random() < 0.6 and held < today:
            for _ in range(rng.randint(1, 3)):
                day = held + dt.timedelta(days=rng.randint(1, (today - held).days))
                text, restricted = rng.choice(CASE_NOTES)
                case_notes.append(
                    CaseNote(
                        learner=learner,
                        happened_on=day,
                        text=text,
                        restricted=restricted,
                        recorded_by=rm,
                        recorded_at=_at(day, 16),
                    )
                )
                events.append(
                    TimelineEvent(
                        learner=learner,
                        kind=TimelineKind.CASE_NOTE,
                        summary=f"Case note: {text}"[:300],
                        actor=rm,
                        occurred_at=_at(day, 16),
                        restricted=restricted,
                    )
                )
        for description in rng.sample(GOALS, rng.randint(1, 3)):
            target = held + dt.timedelta(weeks=rng.choice((12, 24, 36)))
            status = GoalStatus.IN_PROGRESS
            if target < today:
                status = rng.choice((GoalStatus.ACHIEVED, GoalStatus.ACHIEVED, GoalStatus.DROPPED))
            goals.append(
                Goal(learner=learner, description=description, target_on=target, status=status)
            )
        later = held + dt.timedelta(days=max(1, (today - held).days // 2))
        if stage in ("paused", "withdrawn"):
            to = CourseStatus.PAUSED if stage == "paused" else CourseStatus.WITHDRAWN
            reason = rng.choice(
                (
                    "Moved to segregation for a period",
                    "Health: unable to attend for now",
                    "Started full-time work in the prison kitchen",
                    "Chose to stop the course",
                )
            )
            changes.append(
                StatusChange(
                    learner=learner,
                    field=StatusField.COURSE,
                    from_status=CourseStatus.ACTIVE,
                    to_status=to,
                    reason=reason,
                    changed_by=rm,
                    changed_at=_at(later),
                )
            )
            events.append(
                TimelineEvent(
                    learner=learner,
                    kind=TimelineKind.STATUS,
                    summary=f"Course status changed from active to {to.label.lower()}",
                    actor=rm,
                    occurred_at=_at(later),
                )
            )
        if stage in ("released", "returned"):
            released = learner.expected_release_on
            changes.append(
                StatusChange(
                    learner=learner,
                    field=StatusField.CUSTODY,
                    from_status=CustodyStatus.IN_CUSTODY,
                    to_status=CustodyStatus.RELEASED,
                    reason="Released",
                    changed_by=rm,
                    changed_at=_at(released, 10),
                )
            )
            events.append(
                TimelineEvent(
                    learner=learner,
                    kind=TimelineKind.STATUS,
                    summary="Custody status changed from in custody to released",
                    actor=rm,
                    occurred_at=_at(released, 10),
                )
            )
        if stage == "active" and len(prisons) > 1 and rng.random() < 0.05 and held < today:
            moved = held + dt.timedelta(days=rng.randint(1, (today - held).days))
            origin = rng.choice([p for p in prisons if p.pk != learner.prison_id])
            transfers.append(
                Transfer(
                    learner=learner,
                    from_prison=origin,
                    to_prison=learner.prison,
                    transferred_on=moved,
                    reason="Moved for a shorter journey for family visits",
                    recorded_by=rm,
                    recorded_at=_at(moved),
                )
            )
            events.append(
                TimelineEvent(
                    learner=learner,
                    kind=TimelineKind.TRANSFER,
                    summary=f"Transferred from {origin.name} to {learner.prison.name}",
                    actor=rm,
                    occurred_at=_at(moved),
                )
            )

    IntakeInterview.objects.bulk_create(intakes, batch_size=BATCH)
    IntakeRestricted.objects.bulk_create(
        [
            IntakeRestricted(
                intake=intake,
                health_priority=rng.random() < 0.2,
                recovery_priority=rng.random() < 0.25,
                recovery_notes=rng.choice(
                    ("", "", "Engaging with the substance misuse team weekly.")
                ),
                health_notes=rng.choice(("", "", "Manages type 2 diabetes; no effect on classes.")),
                offending_behaviour_notes=rng.choice(
                    ("", "Completed the Thinking Skills Programme.")
                ),
            )
            for intake in intakes
        ],
        batch_size=BATCH,
    )
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    CaseNote.objects.bulk_create(case_notes, batch_size=BATCH)
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    Transfer.objects.bulk_create(transfers, batch_size=BATCH)
    if transfers:
        # One learner arrived where nobody has taken them on yet: the regional
        # managers' "needs a regional manager" list shows them.
        waiting = transfers[0].learner
        Learner.objects.filter(pk=waiting.pk).update(regional_manager=None)
        waiting.regional_manager = None
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    TimelineEvent.objects.bulk_create(events, batch_size=BATCH)
    _intake_in_progress(learners, stages, today)
    world.learners.extend(learners)
    counts = {stage: stages.count(stage) for stage in sorted(set(stages))}
    log(
        f"{len(learners)} learners ({', '.join(f'{n} {s}' for s, n in counts.items())}), "
        f"{len(intakes)} intake interviews, {len(consents)} consents, "
        f"{len(case_notes)} case notes."
    )


def _intake_in_progress(learners: list[Learner], stages: list[str], today: dt.date) -> None:
    """One referred learner whose intake interview is half done: their regional
    manager answered the first steps and will carry on (issue 17 item 4)."""
    learner = next(
        (
            learner
            for learner, stage in zip(learners, stages, strict=True)
            if stage == "referred" and learner.regional_manager is not None
        ),
        None,
    )
    if learner is None:
        return
    held = min(learner.joined_on + dt.timedelta(days=3), today)
    IntakeDraft.objects.create(
        learner=learner,
        author=learner.regional_manager,
        answers={
            "interview": {"held_on": held.isoformat()},
            "education": {
                "education": "Left school at 15; Functional Skills English level 1 inside.",
                "work_history": "Labouring and a year in a car wash.",
                "coding_experience": "None yet; uses a phone for everything.",
            },
            "ambitions": {
                "ambition_categories": [AmbitionCategory.TECH_WORK],
                "ambitions": "Wants to build apps for small businesses.",
            },
        },
    )


def timeline_backdate(log) -> None:
    """Services stamp timeline entries with the time they run, so everything the
    demo made through them would read as written in the same minute, today. Spread
    each learner's entries stamped during this seeding (those at or after the
    transaction's start) over the days they belong to, keeping their order: entries
    made before the learner's release fall between the intake and the release,
    the release on its day, and entries after it between the release and today."""
    rng = random.Random(4040)  # nosec B311 - deterministic demo data, not security
    today = timezone.localdate()
    now = timezone.now()
    seeding_began = Func(function="TRANSACTION_TIMESTAMP", template="%(function)s()")
    stamped = TimelineEvent.objects.filter(occurred_at__gte=seeding_began).order_by(
        "learner_id", "pk"
    )
    by_learner: dict[int, list[TimelineEvent]] = {}
    for event in stamped:
        by_learner.setdefault(event.learner_id, []).append(event)
    learners = Learner.objects.in_bulk(list(by_learner))
    released = dict(
        Learner.objects.filter(pk__in=list(by_learner), releases__isnull=False)
        .order_by("pk", "-releases__released_on")
        .distinct("pk")
        .values_list("pk", "releases__released_on")
    )

    def spread(events: list[TimelineEvent], start: dt.date, end: dt.date) -> None:
        days = max((end - start).days, 0)
        for index, event in enumerate(events):
            day = start + dt.timedelta(days=round(days * (index + 1) / (len(events) + 1)))
            moment = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.randint(0, 59)))
            # Nothing later than now: an entry of today falls earlier in the day.
            event.occurred_at = min(
                timezone.make_aware(moment), now - dt.timedelta(minutes=rng.randint(5, 90))
            )

    changed: list[TimelineEvent] = []
    for learner_pk, events in by_learner.items():
        learner = learners[learner_pk]
        start = learner.intake_completed_on or learner.joined_on
        release_on = released.get(learner_pk)
        if release_on is None:
            spread(events, start, today)
        else:
            split = next(
                (i for i, event in enumerate(events) if event.kind == TimelineKind.RELEASE),
                len(events),
            )
            spread(events[:split], start, max(release_on - dt.timedelta(days=1), start))
            spread(events[split:], release_on, today)
        changed.extend(events)
    TimelineEvent.objects.bulk_update(changed, ["occurred_at"], batch_size=1000)
    log(f"Timeline: {len(changed)} entries dated across the learners' journeys.")
    late = timeline_recorded_late(seeding_began, now)
    log(f"Timeline: {late} reviews typed in a few days after they were held.")


def timeline_recorded_late(seeding_began, now: dt.datetime) -> int:
    """Entries seeded in this run were typed in when they happened, except one
    review in five, typed in three days after it was held: those show "recorded on
    ... by ..." on the timeline (issue 17 item 5)."""
    seeded = TimelineEvent.objects.filter(recorded_at__gte=seeding_began)
    seeded.update(recorded_at=F("occurred_at"))
    reviews = list(
        seeded.filter(
            kind=TimelineKind.REVIEW, occurred_at__lt=now - dt.timedelta(days=3)
        ).order_by("pk")[::5]
    )
    for entry in reviews:
        entry.recorded_at = entry.occurred_at + dt.timedelta(days=3)
    TimelineEvent.objects.bulk_update(reviews, ["recorded_at"])
    return len(reviews)
