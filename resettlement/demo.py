"""Demo resettlement records: plans (most shared with the OMU), releases with
outcomes of every kind (some reported by the learners themselves, one waiting to
be confirmed), a return to custody, brokered jobs at every stage (one started
before release), and mentors matched to graduates. Deterministic."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import Role
from learners.demo import timeline_backdate
from learners.models import Consent, ConsentKind, CourseStatus, CustodyStatus, Learner
from resettlement import self_reports, services
from resettlement.models import (
    ActionOwner,
    ActionStatus,
    Employer,
    FollowUp,
    HiredBefore,
    LearnerLink,
    LinkPurpose,
    Mentor,
    Opportunity,
    OpportunityKind,
    OutcomeKind,
    OutcomeSource,
    Pathway,
    PathwayStatus,
    PlanAction,
    Release,
    ReleaseType,
    SelfReport,
)

# A plan for most learners; the full treatment is capped so a benchmark-sized
# world (20,000 learners) still seeds in reasonable time.
MOST = 0.8
CAP = 400

FIRST = ["Jamie", "Kyle", "Dean", "Marcus", "Liam", "Aaron", "Connor", "Reece", "Tyler", "Nathan"]
LAST = ["Doyle", "Walsh", "Hughes", "Khan", "Price", "Barker", "Nolan", "Reid", "Lowe", "Booth"]

ACTIONS = {
    Pathway.ACCOMMODATION: ("Refer to the prison housing advice service", ActionOwner.PRISON),
    Pathway.FINANCE_ID: (
        "Apply for a birth certificate and open a bank account",
        ActionOwner.PRISON,
    ),
    Pathway.EDUCATION_WORK: (
        "Introduce to a tech employer in the release area",
        ActionOwner.CODE4000,
    ),
    Pathway.HEALTH: ("Register with a GP before release", ActionOwner.PROBATION),
    Pathway.FAMILIES: ("Arrange a family visit to talk about release plans", ActionOwner.LEARNER),
    Pathway.DRUGS_ALCOHOL: ("Continue with the recovery support group", ActionOwner.OTHER),
    Pathway.ATTITUDES: ("Complete the thinking skills programme", ActionOwner.PRISON),
}

EMPLOYERS = [
    ("Humber Digital", "Software", "Priya Nair", HiredBefore.YES),
    ("Leeds Code Co", "Web agency", "Tom Fairley", HiredBefore.YES),
    ("Northern Data Works", "Data and analytics", "Grace Obi", HiredBefore.UNKNOWN),
    ("Mersey Cloud", "Cloud hosting", "Dan Roberts", HiredBefore.NO),
]
OPPORTUNITIES = [
    (0, "Junior developer", OpportunityKind.JOB, "Hull"),
    (0, "Software apprentice", OpportunityKind.APPRENTICESHIP, "Hull"),
    (1, "Front-end developer", OpportunityKind.JOB, "Leeds"),
    (1, "Work placement", OpportunityKind.PLACEMENT, "Leeds"),
    (2, "Data apprentice", OpportunityKind.APPRENTICESHIP, "Sheffield"),
    (3, "Support engineer", OpportunityKind.JOB, "Liverpool"),
]
MENTORS = [
    ("Ada Osei", "Tech North", "Python, Django, careers", "Fortnightly, evenings"),
    ("Ben Carter", "Leeds Code Co", "JavaScript, interviews", "Monthly"),
    ("Chloe Marsh", "Freelance", "Running a small business", "Weekends"),
    ("Dev Patel", "Mersey Cloud", "Linux, cloud, support roles", "Weekly calls"),
]

# Outcomes recorded at follow-ups, cycled through so every kind appears.
OUTCOME_SETS = [
    [OutcomeKind.EMPLOYED_TECH],
    [OutcomeKind.EMPLOYED_TECH, OutcomeKind.VOLUNTEERING],
    [OutcomeKind.EMPLOYED_OTHER, OutcomeKind.TRAINING],
    [OutcomeKind.SELF_EMPLOYED_TECH],
    [OutcomeKind.SELF_EMPLOYED_OTHER, OutcomeKind.OTHER_PRIORITIES],
    [OutcomeKind.EDUCATION],
    [OutcomeKind.NOT_IN_ACTIVITY, OutcomeKind.OTHER_PRIORITIES],
    [OutcomeKind.LOST_CONTACT],
    [OutcomeKind.TRAINING, OutcomeKind.VOLUNTEERING],
]


def _make_learners(world, rng: random.Random, count: int) -> list[Learner]:
    """Only when the learners step made none (this app's branch on its own)."""
    today = timezone.localdate()
    learners = []
    codes = sorted(world.prisons)
    for n in range(count):
        prison = world.prisons[codes[n % len(codes)]]
        learner = Learner.objects.create(
            prison_number=f"R{7000 + n:04d}DM",
            first_name=FIRST[n % len(FIRST)],
            last_name=LAST[(n * 3) % len(LAST)],
            date_of_birth=dt.date(1980 + n % 20, 1 + n % 12, 1 + n % 27),
            prison=prison,
            joined_on=today - dt.timedelta(days=rng.randint(200, 500)),
            expected_release_on=today + dt.timedelta(days=rng.randint(20, 600)),
            course_status=CourseStatus.GRADUATED if n % 2 == 0 else CourseStatus.ACTIVE,
            regional_manager=world.first_of(Role.REGIONAL_MANAGER, prison.code),
        )
        if n % 5 != 4:
            Consent.objects.create(
                learner=learner,
                kind=ConsentKind.SHARE_WITH_OMU,
                given_on=learner.joined_on,
            )
        learners.append(learner)
    return learners


def _rm(world, learner: Learner):
    return learner.regional_manager or world.first_of(Role.REGIONAL_MANAGER, learner.prison.code)


def _omu(world, learner: Learner):
    try:
        return world.first_of(Role.OMU, learner.prison.code)
    except LookupError:
        return None


def _plan(world, rng: random.Random, learner: Learner) -> None:
    rm = _rm(world, learner)
    plan = services.plan_start(actor=rm, learner=learner)
    pathways = {row.pathway: row for row in plan.pathways.all()}
    for pathway in rng.sample(list(ACTIONS), k=rng.randint(2, 5)):
        description, owner = ACTIONS[pathway]
        services.pathway_set_status(
            actor=rm,
            pathway=pathways[pathway],
            status=rng.choice([PathwayStatus.SUPPORT_NEEDED, PathwayStatus.IN_PROGRESS]),
        )
        action = services.action_add(
            actor=rm,
            pathway=pathways[pathway],
            description=description,
            owner_organisation=owner,
            owner_name="" if owner != ActionOwner.PRISON else "Housing and resettlement team",
            due_on=timezone.localdate() + dt.timedelta(days=rng.randint(-10, 90)),
            status=rng.choice([ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS]),
        )
        services.action_update_add(actor=rm, action=action, text="Discussed with the learner.")
    omu = _omu(world, learner)
    shared = learner.consents.filter(kind=ConsentKind.SHARE_WITH_OMU, withdrawn_on__isnull=True)
    if omu is not None and shared.exists():
        services.plan_view_record(actor=omu, learner=learner, plan=plan)
        prison_action = (
            plan.pathways.filter(actions__owner_organisation=ActionOwner.PRISON)
            .values_list("actions", flat=True)
            .first()
        )
        if prison_action:
            action = PlanAction.objects.get(pk=prison_action)
            services.action_update_add(
                actor=omu,
                action=action,
                text="Appointment booked.",
                status=ActionStatus.IN_PROGRESS,
            )
        if rng.random() < 0.4:
            services.plan_comment_add(
                actor=omu, plan=plan, text="Discussed at the OMU resettlement meeting."
            )


def _record_outcomes(rm, rng: random.Random, learner: Learner, sets: list, index: int) -> int:
    today = timezone.localdate()
    for follow_up in FollowUp.objects.filter(learner=learner).order_by("months"):
        if follow_up.due_on > today:
            break
        # Some are missed (overdue in the work queue), once every set has been used.
        if index >= len(sets) and rng.random() < 0.15:
            continue
        kinds = sets[index % len(sets)]
        index += 1
        outcomes = []
        for kind in kinds:
            if kind == OutcomeKind.EMPLOYED_TECH:
                outcomes.append(
                    {
                        "kind": kind,
                        "role": rng.choice(["Junior developer", "Apprentice tester"]),
                        "employer_name": rng.choice([e[0] for e in EMPLOYERS]),
                        "tech_level": rng.choice(["junior", "apprentice", "other"]),
                        "started_on": follow_up.release.released_on + dt.timedelta(days=14),
                    }
                )
            elif kind == OutcomeKind.TRAINING:
                outcomes.append({"kind": kind, "detail": "Web development bootcamp"})
            elif kind == OutcomeKind.OTHER_PRIORITIES:
                outcomes.append({"kind": kind, "detail": "Settling into housing"})
            else:
                outcomes.append({"kind": kind})
        services.follow_up_record(
            actor=rm,
            follow_up=follow_up,
            confirmed_on=min(today, follow_up.due_on + dt.timedelta(days=rng.randint(0, 10))),
            source=rng.choice(["learner", "employer", "probation", "other"]),
            outcomes=outcomes,
        )
    return index


CONFIRMED_SELF_REPORTS = 3


def _self_reports(world, released: list[Learner], today: dt.date) -> None:
    """Outcomes reported by learners themselves (issue 18): released learners who
    consented to contact after release get a contact email; a few follow-ups that
    were recorded from what the learner said show as reported through their link
    and confirmed; and one learner has answered a due follow-up that waits in the
    regional manager's work queue, "reported by the learner, to confirm"."""
    out = [learner for learner in released if learner.custody_status == CustodyStatus.RELEASED]
    for learner in out:
        if Consent.objects.filter(
            learner=learner, kind=ConsentKind.CONTACT_AFTER_RELEASE, withdrawn_on__isnull=True
        ).exists():
            Release.objects.filter(learner=learner).update(
                contact_email=f"{learner.first_name}.{learner.last_name}@example.org".lower()
            )
    confirmed = (
        FollowUp.objects.filter(learner__in=out, source=OutcomeSource.LEARNER)
        .exclude(confirmed_on__isnull=True)
        .prefetch_related("outcomes")
        .order_by("learner_id", "months")[:CONFIRMED_SELF_REPORTS]
    )
    for follow_up in confirmed:
        received = follow_up.recorded_at - dt.timedelta(days=2)
        LearnerLink.objects.create(
            learner_id=follow_up.learner_id,
            follow_up=follow_up,
            purpose=LinkPurpose.SELF_REPORT,
            created_at=received - dt.timedelta(days=3),
            sent_at=received - dt.timedelta(days=3),
            expires_at=received + dt.timedelta(days=27),
            used_at=received,
        )
        kinds = [outcome.kind for outcome in follow_up.outcomes.all()]
        SelfReport.objects.create(
            follow_up=follow_up,
            learner_id=follow_up.learner_id,
            kinds=kinds,
            employer_or_course=next(
                (
                    o.employer_name or o.detail
                    for o in follow_up.outcomes.all()
                    if o.employer_name or o.detail
                ),
                "",
            ),
            received_at=received,
            confirmed_at=follow_up.recorded_at,
            confirmed_by=follow_up.recorded_by,
        )
    # One answer waiting: the learner answered their due follow-up through the
    # real link, date-of-birth check and form services.
    waiting = (
        FollowUp.objects.filter(learner__in=out, confirmed_on__isnull=True, due_on__lte=today)
        .order_by("-due_on", "pk")
        .first()
    )
    if waiting is None:
        waiting = _released_a_month_ago(world, today)
    if waiting is None:
        return
    learner = waiting.learner
    if not Consent.objects.filter(
        learner=learner, kind=ConsentKind.CONTACT_AFTER_RELEASE, withdrawn_on__isnull=True
    ).exists():
        Consent.objects.create(
            learner=learner,
            kind=ConsentKind.CONTACT_AFTER_RELEASE,
            given_on=learner.intake_completed_on or learner.joined_on,
        )
    Release.objects.filter(pk=waiting.release_id).update(
        contact_email=f"{learner.first_name}.{learner.last_name}@example.org".lower()
    )
    link = LearnerLink.objects.create(
        learner=learner, follow_up=waiting, purpose=LinkPurpose.SELF_REPORT
    )
    claimed = self_reports.link_claim(link_id=link.pk)
    self_reports.link_sent(link_id=link.pk, channel="email")
    opened = self_reports.link_open(
        token=claimed.token, date_of_birth=learner.date_of_birth, address="demo"
    )
    self_reports.self_report_submit(
        link_id=opened.pk,
        kinds=[OutcomeKind.EMPLOYED_OTHER, OutcomeKind.TRAINING],
        employer_or_course="Evening course in web development at Hull College",
        wants_support=True,
    )


def _released_a_month_ago(world, today: dt.date) -> FollowUp | None:
    """Every due follow-up was recorded: release one more learner five weeks ago,
    so their one-month follow-up is due and open."""
    for learner in world.learners:
        learner.refresh_from_db()
        if learner.custody_status != CustodyStatus.IN_CUSTODY:
            continue
        released_on = _release_day(learner, today - dt.timedelta(days=35), today)
        if released_on > today - dt.timedelta(days=32):
            continue
        services.release_record(
            actor=_rm(world, learner),
            learner=learner,
            released_on=released_on,
            release_type=ReleaseType.LICENCE,
            area="Hull",
            support_agreed="Weekly calls for the first three months.",
        )
        return FollowUp.objects.filter(learner=learner, months=1).first()
    return None


def _release_day(learner: Learner, wanted: dt.date, today: dt.date) -> dt.date:
    """`wanted`, moved to fall after the learner's intake (or at least a month after
    joining) and before today: nobody is released before they joined."""
    earliest = max(
        learner.intake_completed_on or learner.joined_on,
        learner.joined_on + dt.timedelta(days=30),
    )
    return max(min(max(wanted, earliest), today - dt.timedelta(days=1)), learner.joined_on)


def _backfill_releases(today: dt.date) -> None:
    """The learners step marks some learners released in bulk (so a benchmark-sized
    world is quick to make); give them the release and follow-up rows the release
    service would have made, so every released learner has a release on record."""
    bare = list(
        Learner.objects.exclude(custody_status=CustodyStatus.IN_CUSTODY)
        .filter(releases__isnull=True)
        .select_related("prison__region")
    )
    releases = []
    for learner in bare:
        released_on = _release_day(learner, learner.expected_release_on or today, today)
        returned = None
        if learner.custody_status == CustodyStatus.RETURNED:
            returned = min(released_on + dt.timedelta(days=120), today)
        releases.append(
            Release(
                learner=learner,
                released_on=released_on,
                release_type=ReleaseType.LICENCE,
                area=learner.prison.region.name,
                returned_to_custody_on=returned,
            )
        )
    Release.objects.bulk_create(releases, batch_size=1000)
    FollowUp.objects.bulk_create(
        (
            FollowUp(release=release, learner=release.learner, months=months, due_on=due_on)
            for release in releases
            for months, due_on in services.follow_up_schedule(release.released_on)
            if release.returned_to_custody_on is None or due_on <= release.returned_to_custody_on
        ),
        batch_size=1000,
    )


def seed(world, *, size: int, log) -> None:
    rng = random.Random(6006)  # nosec B311 - deterministic demo data, not security
    today = timezone.localdate()
    learners = list(world.learners)
    if not learners and size:
        learners = _make_learners(world, rng, min(size, 24))
        world.learners.extend(learners)
    learners = learners[:CAP]

    employers = [
        Employer.objects.create(
            name=name, sector=sector, contact_name=contact, hired_with_convictions=hired
        )
        for name, sector, contact, hired in EMPLOYERS
    ]
    opportunities = [
        Opportunity.objects.create(
            employer=employers[e],
            role=role,
            kind=kind,
            location=where,
            closing_on=today + dt.timedelta(days=30 + 10 * n),
            restrictions="No arson or fraud convictions" if n == 5 else "",
        )
        for n, (e, role, kind, where) in enumerate(OPPORTUNITIES)
    ]
    mentors = [
        Mentor.objects.create(name=name, organisation=org, skills=skills, availability=when)
        for name, org, skills, when in MENTORS
    ]

    planned = [learner for n, learner in enumerate(learners) if n % 5 != 3 or n < 5]
    planned = planned[: max(1, int(len(learners) * MOST) + 1)] if learners else []
    for learner in planned:
        _plan(world, rng, learner)

    _backfill_releases(today)
    # Release about a third of them (graduates first), at spread-out dates.
    in_custody = [item for item in learners if item.custody_status == CustodyStatus.IN_CUSTODY]
    candidates = sorted(
        in_custody, key=lambda item: (item.course_status != CourseStatus.GRADUATED, item.pk)
    )
    to_release = candidates[: max(0, len(learners) // 3)]
    index = 0
    released = []
    for n, learner in enumerate(to_release):
        rm = _rm(world, learner)
        released_on = _release_day(learner, today - dt.timedelta(days=40 + (n * 97) % 760), today)
        if n == 0:
            # A role brokered in custody and started (release on temporary licence) before release.
            application = services.application_add(
                actor=rm,
                learner=learner,
                opportunity=opportunities[1],
                introduced_on=released_on - dt.timedelta(days=120),
                notes="Brokered in custody; started on day release before the release date.",
            )
            for step, days in (("applied", 110), ("interview", 90), ("offer", 80), ("started", 60)):
                services.application_move(
                    actor=rm,
                    application=application,
                    status=step,
                    on=released_on - dt.timedelta(days=days),
                )
        services.release_record(
            actor=rm,
            learner=learner,
            released_on=released_on,
            release_type=["licence", "end_of_sentence", "parole", "hdc", "other"][n % 5],
            area=["Hull", "Leeds", "Sheffield", "Liverpool", "York"][n % 5],
            support_agreed="Weekly calls for the first three months; help with CVs.",
        )
        learner.refresh_from_db()
        released.append(learner)
        services.support_contact_add(
            actor=rm,
            learner=learner,
            contacted_on=released_on + dt.timedelta(days=2),
            method="phone",
            with_whom="Learner",
            summary="First call after release: settling in at the approved premises.",
            next_step="Meet at the hub next week",
            restricted_note="Asked about recovery meetings nearby." if n % 3 == 0 else "",
        )
        if n == 1:
            services.custody_return(
                actor=rm,
                learner=learner,
                returned_on=released_on + dt.timedelta(days=20),
                reason="Recalled on licence",
            )
            continue
        index = _record_outcomes(rm, rng, learner, OUTCOME_SETS, index)
        if n % 2 == 0:
            services.mentor_match_add(
                actor=rm,
                learner=learner,
                mentor=mentors[n % len(mentors)],
                started_on=released_on + dt.timedelta(days=7),
                ended_on=released_on + dt.timedelta(days=180) if n % 4 == 0 else None,
                notes="Meets every other week to talk through job applications.",
                non_graduate_reason="Agreed at the release planning meeting.",
            )

    _self_reports(world, released, today)

    # Applications at every stage for learners still in custody and those released.
    stages = [
        [],
        ["applied"],
        ["applied", "interview"],
        ["applied", "interview", "offer"],
        ["applied", "offer", "started"],
        ["applied", "interview", "unsuccessful"],
        ["withdrawn"],
        ["applied", "withdrawn"],
    ]
    brokered = [item for item in learners if item not in to_release[:1]][: len(stages)]
    for n, (learner, steps) in enumerate(zip(brokered, stages, strict=False)):
        rm = _rm(world, learner)
        application = services.application_add(
            actor=rm,
            learner=learner,
            opportunity=opportunities[(n + 2) % len(opportunities)],
            introduced_on=today - dt.timedelta(days=60),
        )
        for k, step in enumerate(steps):
            services.application_move(
                actor=rm,
                application=application,
                status=step,
                on=today - dt.timedelta(days=50 - 10 * k),
            )
        # The application lifecycle (issue 16): notes changed, a withdrawal reopened.
        if steps == ["applied"]:
            services.application_update(
                actor=rm,
                application=application,
                status="applied",
                on=None,
                notes="CV sent with a covering letter; the employer replies within a month.",
            )
        if steps == ["applied", "withdrawn"]:
            services.application_reopen(
                actor=rm,
                application=application,
                reason="The learner asked to go ahead after all",
            )
    # The lifecycle (issue 16): one opportunity closed, one mentor paused.
    lead = world.first_of(Role.REGIONAL_MANAGER)
    services.opportunity_close(actor=lead, opportunity=opportunities[-1])
    services.mentor_pause(actor=lead, mentor=mentors[-1])
    log(
        f"Resettlement: {len(planned)} plans, {len(released)} released learners, "
        f"{len(employers)} employers, {len(mentors)} mentors."
    )
    # The last step that writes timeline entries through the services.
    timeline_backdate(log)
