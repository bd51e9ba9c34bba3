"""Benchmark the reminder sweep at national scale.

Seeds N learners (20,000 by default) across 12 prisons with staff, in a database
of its own, then times each finder, a dry run, a first real sweep (which
creates the notifications) and a second one (which finds nothing new), and
counts their queries. Run it against PostgreSQL:

    createdb -h 127.0.0.1 -U postgres lj_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lj_bench \
        .venv/bin/python benchmarks/sweep.py --learners 20000

It refuses a database that already holds learners unless --reuse is given.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "code4000.settings")
os.environ.setdefault("EMAIL_URL", "locmem://")
# Time the sweep, not the broker: with no broker answering, the emails it queues
# wait in the outbox (one failed connection, then the breaker stops trying).
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Prison, Region, Role, User  # noqa: E402
from learners.models import CourseStatus, Learner  # noqa: E402
from notifications import sweep  # noqa: E402
from notifications.models import Notification  # noqa: E402
from notifications.services import reminders_run  # noqa: E402
from resettlement.models import (  # noqa: E402
    FollowUp,
    Pathway,
    PathwayStatus,
    PlanPathway,
    Release,
    ResettlementPlan,
)
from resettlement.services import follow_up_schedule  # noqa: E402
from reviews.models import Intervention, InterventionKind  # noqa: E402

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def prison_number(n: int) -> str:
    return f"{LETTERS[n % 24]}{n % 10000:04d}{LETTERS[(n // 24) % 24]}{LETTERS[(n // 576) % 24]}"


def seed(count: int, today: dt.date) -> None:
    rng = random.Random(4000)
    region, _ = Region.objects.get_or_create(name="Benchmark region")
    prisons = [
        Prison.objects.get_or_create(
            code=f"B{LETTERS[i]}", defaults={"name": f"HMP Bench {i}", "region": region}
        )[0]
        for i in range(12)
    ]
    staff = {}
    for i, prison in enumerate(prisons):
        for role in (Role.REGIONAL_MANAGER, Role.TUTOR, Role.TUTOR):
            user = User.objects.create(
                email=f"{role}.{i}.{len(staff)}@bench.example",
                full_name=f"Bench {role} {i}",
                role=role,
            )
            user.prisons.set([prison])
            staff.setdefault((prison.pk, role), []).append(user)
    learners = []
    for n in range(count):
        prison = prisons[n % len(prisons)]
        joined = today - dt.timedelta(days=rng.randint(0, 900))
        referred = rng.random() < 0.15
        learners.append(
            Learner(
                prison_number=prison_number(n + 1),
                first_name=f"First{n}",
                last_name=f"Last{n}",
                date_of_birth=dt.date(1990, 1, 1),
                prison=prison,
                joined_on=joined,
                expected_release_on=today + dt.timedelta(days=rng.randint(200, 1500)),
                course_status=CourseStatus.REFERRED if referred else CourseStatus.ACTIVE,
                intake_completed_on=None if referred else joined + dt.timedelta(days=10),
                next_review_due_on=(
                    None if referred else today + dt.timedelta(days=rng.randint(-30, 84))
                ),
                tutor=rng.choice(staff[(prison.pk, Role.TUTOR)]),
                regional_manager=staff[(prison.pk, Role.REGIONAL_MANAGER)][0],
            )
        )
    # About one in ten near release (some with a plan), one in ten released.
    for learner in learners:
        roll = rng.random()
        if roll < 0.1:
            learner.expected_release_on = today + dt.timedelta(days=rng.randint(0, 120))
        elif roll < 0.2:
            learner.custody_status = "released"
            learner.next_review_due_on = None
    Learner.objects.bulk_create(learners, batch_size=2000)
    saved = list(Learner.objects.order_by("pk"))
    interventions = [
        Intervention(
            learner=learner,
            kind=rng.choice(InterventionKind.values),
            description="Benchmark",
            owner=learner.tutor,
            due_on=today + dt.timedelta(days=rng.randint(-20, 40)),
        )
        for learner in saved
        if learner.course_status == CourseStatus.ACTIVE and rng.random() < 0.3
    ]
    Intervention.objects.bulk_create(interventions, batch_size=2000)
    near = [
        learner
        for learner in saved
        if learner.custody_status == "in_custody"
        and learner.expected_release_on <= today + dt.timedelta(days=120)
    ]
    plans = ResettlementPlan.objects.bulk_create(
        ResettlementPlan(learner=learner) for learner in near if rng.random() < 0.7
    )
    PlanPathway.objects.bulk_create(
        (
            PlanPathway(
                plan=plan,
                pathway=pathway,
                status=PathwayStatus.DONE if rng.random() < 0.9 else PathwayStatus.IN_PROGRESS,
            )
            for plan in plans
            for pathway in Pathway.values
        ),
        batch_size=5000,
    )
    released = [learner for learner in saved if learner.custody_status == "released"]
    releases = Release.objects.bulk_create(
        Release(
            learner=learner,
            released_on=today - dt.timedelta(days=rng.randint(1, 800)),
            release_type="licence",
            area="Benchmark",
        )
        for learner in released
    )
    FollowUp.objects.bulk_create(
        (
            FollowUp(
                release=release,
                learner_id=release.learner_id,
                months=months,
                due_on=due_on,
                confirmed_on=due_on if due_on < today and rng.random() < 0.8 else None,
            )
            for release in releases
            for months, due_on in follow_up_schedule(release.released_on)
        ),
        batch_size=5000,
    )


def timed(label: str, func):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed * 1000:9.1f} ms {len(queries):4d} queries")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--reuse", action="store_true", help="Use the learners already there.")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL (set DATABASE_URL).")
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    if Learner.objects.exists() and not options.reuse:
        sys.exit("This database already has learners: use an empty one, or --reuse.")
    if not Learner.objects.exists():
        started = time.perf_counter()
        with transaction.atomic():
            seed(options.learners, today)
        print(f"Seeded {options.learners} learners in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Learners: {Learner.objects.count()}, sweep day {today}")
    for name, finder in sweep.FINDERS.items():
        findings = timed(f"finder {name}", lambda finder=finder: finder(today, None))
        print(f"{'':<44} {len(findings)} findings")
    timed("dry run (find + compare)", lambda: reminders_run(today=today, dry_run=True))
    Notification.objects.all().delete()
    first = timed("first sweep (creates notifications)", lambda: reminders_run(today=today))
    print(f"{'':<44} {first.created} notifications, {first.emails_queued} emails queued")
    second = timed("second sweep (nothing new)", lambda: reminders_run(today=today))
    print(f"{'':<44} {second.created} notifications")


if __name__ == "__main__":
    main()
