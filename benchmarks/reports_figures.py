"""Benchmark: the impact figures, the partner report PDF, the learner progress
PDF and the caseload CSV over 20,000 learners (and their reviews, completions,
interventions, releases, follow-ups and outcomes) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lj_reports_bench DEBUG=0 \
        .venv/bin/python benchmarks/reports_figures.py [--learners 20000]

Creates the database if it is missing, migrates, seeds once (deterministic), then
times each operation a few times and prints the median and the query count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "code4000.settings")


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def seed(size: int) -> None:
    from django.db import transaction

    from accounts.demo import DemoWorld
    from accounts.demo import seed as seed_accounts
    from accounts.models import Role
    from learners.models import CourseStatus, CustodyStatus, Learner
    from resettlement.models import FollowUp, Outcome, OutcomeKind, Release, ReleaseType
    from reviews.models import (
        Intervention,
        InterventionKind,
        InterventionStatus,
        Module,
        ModuleCompletion,
        Review,
        ReviewStatus,
        Skill,
        SkillRating,
        Track,
    )

    rng = random.Random(20_000)
    today = dt.date(2026, 11, 1)
    with transaction.atomic():
        world = DemoWorld()
        seed_accounts(world, size=size, log=print)
        prisons = list(world.prisons.values())
        tutor = world.first_of(Role.TUTOR)
        track = Track.objects.create(name="Benchmark track", order=1)
        modules = [
            Module.objects.create(
                track=track, title=f"Module {n}", order=n, required_for_graduation=n < 12
            )
            for n in range(20)
        ]
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        statuses = (
            [CourseStatus.REFERRED] * 10
            + [CourseStatus.ACTIVE] * 45
            + [CourseStatus.PAUSED] * 5
            + [CourseStatus.GRADUATED] * 25
            + [CourseStatus.WITHDRAWN] * 15
        )
        learners = []
        for n in range(size):
            joined = today - dt.timedelta(days=rng.randint(30, 7 * 365))
            status = rng.choice(statuses)
            graduated = None
            if status == CourseStatus.GRADUATED:
                graduated = min(joined + dt.timedelta(days=rng.randint(200, 700)), today)
            learners.append(
                Learner(
                    prison_number=f"{letters[n // 10000]}{n % 10000:04d}"
                    f"{letters[n % 24]}{letters[(n // 24) % 24]}",
                    first_name=f"First{n}",
                    last_name=f"Last{n % 997}",
                    date_of_birth=dt.date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
                    prison=prisons[n % len(prisons)],
                    joined_on=joined,
                    course_status=status,
                    graduated_on=graduated,
                    intake_completed_on=joined + dt.timedelta(days=14),
                    expected_release_on=joined + dt.timedelta(days=rng.randint(300, 2000)),
                    tutor=tutor,
                )
            )
        Learner.objects.bulk_create(learners, batch_size=5000)
        learners = list(Learner.objects.order_by("pk"))
        print(f"{len(learners)} learners")

        completions, reviews, interventions = [], [], []
        for learner in learners:
            if learner.course_status == CourseStatus.REFERRED:
                continue
            count = 12 if learner.graduated_on else rng.randint(0, 11)
            for index, module in enumerate(modules[:count]):
                day = min(learner.joined_on + dt.timedelta(days=20 * (index + 1)), today)
                completions.append(
                    ModuleCompletion(
                        learner=learner, module=module, completed_on=day, evidence="Built a site"
                    )
                )
            due = learner.joined_on + dt.timedelta(days=14 + 84)
            while due < today and len(reviews) < 40 * size:
                held = due + dt.timedelta(days=rng.randint(-10, 20))
                if held > today:
                    break
                reviews.append(
                    Review(
                        learner=learner,
                        status=ReviewStatus.COMPLETE,
                        due_on=due,
                        held_on=held,
                        progress="Steady progress",
                        learner_words="Enjoying it",
                        rag="green",
                    )
                )
                due = held + dt.timedelta(days=84)
            if rng.random() < 0.5:
                raised = learner.joined_on + dt.timedelta(days=rng.randint(10, 200))
                closed = raised + dt.timedelta(days=30) if rng.random() < 0.7 else None
                interventions.append(
                    Intervention(
                        learner=learner,
                        kind=InterventionKind.EXTRA_TUTOR_TIME,
                        description="Extra time",
                        owner=tutor,
                        due_on=raised + dt.timedelta(days=30),
                        status=InterventionStatus.DONE if closed else InterventionStatus.OPEN,
                        raised_at=dt.datetime.combine(raised, dt.time(12), tzinfo=dt.UTC),
                        closed_on=closed,
                    )
                )
        ModuleCompletion.objects.bulk_create(completions, batch_size=5000)
        Review.objects.bulk_create(reviews, batch_size=5000)
        Intervention.objects.bulk_create(interventions, batch_size=5000)
        print(f"{len(completions)} completions, {len(reviews)} reviews")
        print(f"{len(interventions)} interventions")

        ratings = [
            SkillRating(
                learner_id=review.learner_id,
                review=review,
                skill=skill,
                rating=rng.randint(1, 4),
                rated_on=review.held_on,
            )
            for review in Review.objects.filter(learner__in=[lr.pk for lr in learners[:200]])
            for skill in Skill.values
        ]
        SkillRating.objects.bulk_create(ratings, batch_size=5000)

        kinds = list(OutcomeKind.values)
        released = [lr for lr in learners if rng.random() < 0.4]
        releases = [
            Release(
                learner=learner,
                released_on=today - dt.timedelta(days=rng.randint(30, 1500)),
                release_type=ReleaseType.LICENCE,
                area="Leeds",
            )
            for learner in released
        ]
        Release.objects.bulk_create(releases, batch_size=5000)
        Learner.objects.filter(pk__in=[lr.pk for lr in released]).update(
            custody_status=CustodyStatus.RELEASED
        )
        follow_ups = []
        for release in releases:
            for months in (1, 3, 6, 12, 24):
                due = release.released_on + dt.timedelta(days=30 * months)
                if due >= today:
                    break
                follow_ups.append(
                    FollowUp(
                        release=release,
                        learner_id=release.learner_id,
                        months=months,
                        due_on=due,
                        confirmed_on=due + dt.timedelta(days=rng.randint(0, 10)),
                    )
                )
        FollowUp.objects.bulk_create(follow_ups, batch_size=5000)
        outcomes = [
            Outcome(
                follow_up=follow_up,
                learner_id=follow_up.learner_id,
                confirmed_on=follow_up.confirmed_on,
                kind=kind,
            )
            for follow_up in follow_ups
            for kind in rng.sample(kinds, rng.choice((1, 1, 2)))
        ]
        Outcome.objects.bulk_create(outcomes, batch_size=5000)
        print(f"{len(releases)} releases, {len(follow_ups)} follow-ups, {len(outcomes)} outcomes")


def timed(label: str, action, repeat: int = 3) -> float:
    from django.db import connection, reset_queries

    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        connection.force_debug_cursor = True
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        queries = len(connection.queries)
        connection.force_debug_cursor = False
    median = statistics.median(times)
    runs = ", ".join(f"{t * 1000:.0f}" for t in times)
    print(f"{label:<58} median {median * 1000:8.0f} ms  (runs: {runs} ms; {queries} queries)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database for the benchmark.")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Prison, Role, User
    from learners.models import Learner

    if Learner.objects.count() < args.learners:
        started = time.perf_counter()
        seed(args.learners)
        print(f"Seeded in {time.perf_counter() - started:.0f} s")
    from django.test import Client

    from reports.csv_export import caseload_rows, csv_text
    from reports.disclosure import figures_shown
    from reports.figures import impact_figures
    from reports.impact_charts import impact_charts
    from reports.models import Partner, ReportRun
    from reports.pdf import render_pdf
    from reports.progress_report import learner_progress_context
    from reports.services import partner_report_context

    prisons = list(Prison.objects.all())
    start, end = dt.date(2025, 11, 1), dt.date(2026, 10, 31)
    print(
        f"\n{Learner.objects.count()} learners, {len(prisons)} prisons; period {start} to {end}\n"
    )

    timed(
        "Impact figures, every prison, 12 months",
        lambda: impact_figures(period_start=start, period_end=end, prisons=prisons),
    )
    timed(
        "Impact figures, one prison, 12 months",
        lambda: impact_figures(period_start=start, period_end=end, prisons=prisons[:1]),
    )
    timed(
        "Impact figures, every prison, 7 years",
        lambda: impact_figures(period_start=dt.date(2019, 11, 1), period_end=end, prisons=prisons),
    )
    figures = impact_figures(period_start=start, period_end=end, prisons=prisons)
    timed(
        "Charts (SVG) from computed figures",
        lambda: impact_charts(figures_shown(figures, exact_figures=True)),
    )
    timed("Released figures (rounding and the guard)", lambda: figures_shown(figures))

    run = ReportRun.objects.filter(params_key="benchmark").first()
    if run is None:
        run = ReportRun.objects.create(
            partner=Partner.MOJ, period_start=start, period_end=end, params_key="benchmark"
        )
        run.prisons.set(prisons)
    timed(
        "Partner report PDF (figures + charts + WeasyPrint)",
        lambda: render_pdf("reports/pdf/partner_report.html", partner_report_context(run)),
    )
    busy = (
        Learner.objects.filter(skill_ratings__isnull=False, completions__isnull=False)
        .order_by("pk")
        .first()
    )
    timed(
        "Learner progress PDF (learner with reviews, skills, modules)",
        lambda: render_pdf("reports/pdf/learner_progress.html", learner_progress_context(busy)),
    )
    timed(
        "Caseload CSV, director, every learner",
        lambda: csv_text(
            caseload_rows(Learner.objects.select_related("prison", "tutor", "regional_manager"))
        ),
    )
    director = User.objects.filter(role=Role.DIRECTOR).first()
    client = Client()
    client.force_login(director)
    query = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "prisons": [p.pk for p in prisons],
    }
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    timed(
        "Dashboard page, director, every prison (full request)",
        lambda: client.get("/reports/", query),
    )


if __name__ == "__main__":
    main()
