"""Before and after of the issue-15 levers of this round, on the bench database
(seed it first with `benchmarks/pages.py`), interleaved so machine load hits both
alike. Each path keeps its old code here or in the project, so both run on the
same data in the same process:

* the directors' dashboard figures, every prison, 12 months, released (with the
  disclosure guard over stored releases): live aggregates + guard on every view
  (before) vs the stored figures with the guard's result kept per data version
  (after: `reports.services.dashboard_figures`);
* the simplest signed-in page: Django's ModelBackend + django-otp's middleware
  (before) vs the sign-in backend bringing prisons and devices with the user;
* `/healthz`'s broker check: a new connection each time vs the kept one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lj_bench_perf \\
        .venv/bin/python benchmarks/levers.py [--rounds 30] [--releases 10] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")


class QueryTimer:
    """Counts the queries run and their time (the "query timer" of the profile)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


@contextmanager
def timed_queries():
    from django.db import connection

    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        yield timer


def summary(name: str, samples: list[float], queries: list[int], query_ms: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"| {name} | {statistics.median(samples):.1f} | {p95:.1f} | "
        f"{statistics.median(queries):.0f} | {statistics.median(query_ms):.1f} |"
    )


def profile(label: str, call, *, top: int = 12) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(f"\n### cProfile: {label}\n")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:4000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--releases", type=int, default=10, help="stored releases to check against")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    import datetime as dt
    import random

    from django.core.cache import cache
    from django.test import Client, override_settings
    from django.urls import reverse
    from kombu import Connection

    from accounts.models import Prison
    from benchmarks.national import TODAY
    from benchmarks.pages import bench_world, load_average, signed_in_clients
    from code4000 import health
    from reports.figures import impact_figures
    from reports.figures_store import figures_refresh_all
    from reports.models import PublishedKind, PublishedTable
    from reports.services import dashboard_figures, figures_for_screen, figures_release

    print(f"Load average at the start: {load_average()}")
    started = time.perf_counter()
    refreshed = figures_refresh_all()
    print(
        f"Figures table, every prison worked out: {refreshed} prisons in "
        f"{time.perf_counter() - started:.1f} s"
    )

    prisons = list(Prison.objects.order_by("pk"))
    end = TODAY
    start = dt.date(end.year - 1, end.month, end.day) + dt.timedelta(days=1)
    rng = random.Random(15)
    while PublishedTable.objects.count() < args.releases:
        chosen = rng.sample(prisons, rng.randint(2, 8))
        figures_release(
            figures=impact_figures(period_start=start, period_end=end, prisons=chosen),
            kind=PublishedKind.IMPACT_CSV,
        )
    print(f"Stored releases: {PublishedTable.objects.count()}")

    def dashboard_before():
        return figures_for_screen(
            impact_figures(period_start=start, period_end=end, prisons=prisons), exact=False
        )

    def dashboard_after():
        return dashboard_figures(period_start=start, period_end=end, prisons=prisons, exact=False)

    def dashboard_after_cold():
        cache.clear()
        return dashboard_after()

    if dashboard_before() != dashboard_after_cold():
        raise SystemExit("The stored figures differ from the live ones.")

    world = bench_world()
    after_client = signed_in_clients(world)["tutor"]
    old_auth = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    from django.conf import settings

    old_middleware = [
        "django_otp.middleware.OTPMiddleware"
        if m == "accounts.middleware.OTPDeviceMiddleware"
        else m
        for m in settings.MIDDLEWARE
    ]
    with override_settings(AUTHENTICATION_BACKENDS=old_auth, MIDDLEWARE=old_middleware):
        before_client = Client()
        before_client.force_login(world.users["tutor"], backend=old_auth[1])
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        session = before_client.session
        session[DEVICE_ID_SESSION_KEY] = (
            TOTPDevice.objects.filter(user=world.users["tutor"], confirmed=True)
            .first()
            .persistent_id
        )
        session.save()
    simplest = reverse("notifications:preferences")

    def page_before():
        with override_settings(AUTHENTICATION_BACKENDS=old_auth, MIDDLEWARE=old_middleware):
            response = before_client.get(simplest)
        if response.status_code != 200:
            raise SystemExit(f"The simplest page answered {response.status_code}.")

    def page_after():
        response = after_client.get(simplest)
        if response.status_code != 200:
            raise SystemExit(f"The simplest page answered {response.status_code}.")

    def broker_before():
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=2,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True

    def broker_after():
        return health.broker_answers()

    cases = [
        ("dashboard figures, live + guard (before)", dashboard_before),
        ("dashboard figures, stored, cache cold (after, first view)", dashboard_after_cold),
        ("dashboard figures, stored, cache warm (after)", dashboard_after),
        ("simplest signed-in page (before: ModelBackend + django-otp)", page_before),
        ("simplest signed-in page (after)", page_after),
        ("/healthz broker check, new connection (before)", broker_before),
        ("/healthz broker check, kept connection (after)", broker_after),
    ]
    for _name, call in cases:  # warm up
        call()
    results = {name: ([], [], []) for name, _call in cases}
    for _ in range(args.rounds):
        for name, call in cases:
            with timed_queries() as timer:
                began = time.perf_counter()
                call()
                elapsed = time.perf_counter() - began
            samples, queries, query_ms = results[name]
            samples.append(elapsed * 1000)
            queries.append(timer.count)
            query_ms.append(timer.seconds * 1000)
    print(f"\n{args.rounds} interleaved rounds, {PublishedTable.objects.count()} stored releases\n")
    print("| what | p50 ms | p95 ms | queries | of which in SQL, ms (p50) |")
    print("|---|---:|---:|---:|---:|")
    for name, (samples, queries, query_ms) in results.items():
        print(summary(name, samples, queries, query_ms))
    print(f"\nLoad average at the end: {load_average()}")
    if args.profile:
        profile("dashboard figures before", dashboard_before)
        profile("dashboard figures after, cache cold", dashboard_after_cold)
        profile("simplest page before", page_before)
        profile("simplest page after", page_after)


if __name__ == "__main__":
    main()
