"""`make bench`: every key page at national scale, against Django admin's changelist.

    make bench                      # seed once (kept in lj_bench), time, load, report
    make bench BENCH_ARGS=--reseed  # drop the bench database and seed it again

1. Seeds national scale (benchmarks/national.py: 20,000 learners, 102 prisons,
   ~250k reviews, ~130k completions, ~35k follow-ups, 1M audit rows) into a
   database of its own, once; later runs reuse it.
2. Times the bare view, the admin learner changelist (the anchor) and every key
   page in one interleaved run (each round opens every page once, in turn), through
   Django's test client with DEBUG off: p50, p95, queries, anchor p95 / page p95.
3. A load run: gunicorn (2 sync workers) on loopback, 16 connections for a bounded
   time per page, from an asyncio client in this process: req/s, p50/p95/p99, errors.
4. Writes the run into docs/performance.md (machine, load average, date, command).

`--profile NAME` prints cProfile's top functions for one page instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as dt
import os
import platform
import pstats
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("EMAIL_URL", "locmem://")

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lj_bench"
REPORT = ROOT / "docs" / "performance.md"
RUNS_START = "<!-- bench runs: newest first, written by benchmarks/pages.py -->"
RUNS_KEPT = 4

# Targets (issue 15), server-side p95 in the same run.
KEY_PAGE_MS = 15.0
KEY_PAGE_ANCHOR_RATIO = 5.0
SIMPLEST_PAGE_MS = 5.0
DASHBOARD_MS = 100.0
LOAD_REQUESTS_PER_SECOND = 120.0


@dataclass
class Page:
    name: str
    path: str
    user: str  # key into the signed-in clients
    kind: str = "key"  # "bare", "anchor", "simplest", "key", "dashboard", "info"
    load: bool = False  # also in the load run


@dataclass
class Timing:
    page: Page
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    status: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)


@dataclass
class LoadResult:
    page: Page
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# The database


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str, *, reseed: bool) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = database_name(url)
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        if reseed:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def seed_if_empty(*, scale: float, log: Callable[[str], None] = print) -> float | None:
    """Seed unless learners are already there; returns the seconds it took, or None."""
    from benchmarks import national
    from learners.models import Learner

    if Learner.objects.exists():
        return None
    started = time.perf_counter()
    national.seed(scale=scale, log=log)
    return time.perf_counter() - started


# The pages and who opens them


@dataclass
class World:
    users: dict[str, object]
    learner_id: int
    draft_review_id: int
    search: str


def bench_world() -> World:
    """The users and records the pages need, picked from the seed (idempotent)."""
    from django.db.models import Count

    from accounts.models import Role, User
    from learners.models import CourseStatus, Learner
    from reviews.models import Review, ReviewStatus

    tutor = (
        User.objects.filter(role=Role.TUTOR)
        .annotate(n=Count("prisons"))
        .filter(n=2)
        .order_by("pk")
        .first()
    )
    manager = User.objects.filter(role=Role.REGIONAL_MANAGER).order_by("pk").first()
    director = User.objects.filter(role=Role.DIRECTOR).order_by("pk").first()
    superuser, created = User.objects.get_or_create(
        email="superuser@bench.example",
        defaults={
            "full_name": "Bench admin-site user",
            "role": Role.ADMINISTRATOR,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        superuser.set_unusable_password()
        superuser.save()
    shared = manager.prisons.all() & tutor.prisons.all()
    learner = Learner.objects.filter(
        prison__in=shared,
        course_status=CourseStatus.ACTIVE,
        custody_status="in_custody",
        intake_completed_on__isnull=False,
    )
    learner = learner.annotate(n=Count("reviews")).order_by("-n", "pk").first()
    draft = Review.objects.filter(learner=learner, status=ReviewStatus.DRAFT).first()
    if draft is None:
        draft = Review.objects.create(learner=learner, status=ReviewStatus.DRAFT)
    return World(
        users={"tutor": tutor, "manager": manager, "director": director, "admin": superuser},
        learner_id=learner.pk,
        draft_review_id=draft.pk,
        search=learner.last_name,
    )


def key_pages(world: World) -> list[Page]:
    pk = world.learner_id
    return [
        Page("bare view (signed in, no template)", "/bench/bare", "tutor", kind="bare"),
        Page("/healthz with a signed-in session", "/healthz", "tutor", kind="info"),
        Page(
            "simplest signed-in page (notification settings)",
            "/notifications/preferences",
            "tutor",
            kind="simplest",
            load=True,
        ),
        Page(
            "Django admin learner changelist (anchor)",
            "/bench/admin/learners/learner/",
            "admin",
            kind="anchor",
            load=True,
        ),
        Page("caseload, page 1 (tutor, 2 prisons)", "/learners/", "tutor", load=True),
        Page("caseload, search by name", f"/learners/?q={world.search}", "tutor"),
        Page(
            "caseload, filter active, by next review",
            "/learners/?course_status=active&sort=next_review",
            "tutor",
        ),
        Page("learner: overview", f"/learners/{pk}/", "manager", load=True),
        Page("learner: intake interview", f"/learners/{pk}/intake/", "manager"),
        Page("learner: learning", f"/reviews/learners/{pk}/learning/", "manager"),
        Page("learner: reviews", f"/reviews/learners/{pk}/reviews/", "manager"),
        Page("learner: interventions", f"/reviews/learners/{pk}/interventions/", "manager"),
        Page("learner: resettlement plan", f"/resettlement/learners/{pk}/plan/", "manager"),
        Page("learner: release and outcomes", f"/resettlement/learners/{pk}/release/", "manager"),
        Page("learner: timeline", f"/learners/{pk}/timeline/", "manager"),
        Page(
            "review form (GET)",
            f"/reviews/learners/{pk}/reviews/{world.draft_review_id}/edit/",
            "tutor",
        ),
        Page("work queue: tutor", "/", "tutor", load=True),
        Page("work queue: regional manager", "/", "manager"),
        Page("work queue: director", "/", "director"),
        Page("notifications", "/notifications/", "tutor"),
        Page("partner reports list", "/reports/partner/", "director"),
        Page(
            "directors' dashboard, all prisons, 12 months",
            "/reports/",
            "director",
            kind="dashboard",
        ),
    ]


def signed_in_clients(world: World) -> dict[str, object]:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    clients = {}
    for key, user in world.users.items():
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        clients[key] = client
    return clients


# Timing through the test client


def time_pages(pages: list[Page], clients: dict[str, object], *, rounds: int) -> list[Timing]:
    """One interleaved run: each round opens every page once, in turn. The query
    count comes from a separate request after a warm-up one (capturing costs time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = [Timing(page) for page in pages]
    for timing in timings:
        client = clients[timing.page.user]
        client.get(timing.page.path)  # warm: the first request also renews the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(timing.page.path)
        timing.queries = len(queries)
        timing.status = response.status_code
        if response.status_code != 200:
            raise SystemExit(f"{timing.page.path} answered {response.status_code}")
    for _ in range(rounds):
        for timing in timings:
            client = clients[timing.page.user]
            started = time.perf_counter()
            client.get(timing.page.path)
            timing.times_ms.append((time.perf_counter() - started) * 1000)
    return timings


def profile_page(page: Page, clients: dict[str, object], *, rounds: int = 30) -> None:
    client = clients[page.user]
    client.get(page.path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get(page.path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)


# The load run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int = 2):
    port = free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="benchmarks.settings")
    env["DATABASE_URL"] = database_url
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback only
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "code4000.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _get(port: int, path: str, cookie: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data[9:12]) if data.startswith(b"HTTP/") else 0


async def _load(port: int, path: str, cookie: str, *, connections: int, seconds: float):
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status = await _get(port, path, cookie)
            except OSError:
                status = 0
            if status == 200:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started, latencies, errors


def load_run(
    pages: list[Page],
    clients: dict[str, object],
    *,
    database_url: str,
    seconds: float,
    connections: int = 16,
) -> list[LoadResult]:
    from django.conf import settings

    results = []
    with gunicorn(database_url) as port:
        for page in pages:
            session = clients[page.user].cookies[settings.SESSION_COOKIE_NAME].value
            cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
            asyncio.run(_load(port, page.path, cookie, connections=connections, seconds=1))
            elapsed, latencies, errors = asyncio.run(
                _load(port, page.path, cookie, connections=connections, seconds=seconds)
            )
            results.append(LoadResult(page, elapsed, latencies, errors))
    return results


# The report


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {postgres}, {platform.system()} {platform.release()}"
    )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def verdicts(timings: list[Timing], loads: list[LoadResult]) -> list[str]:
    anchor = next(t for t in timings if t.page.kind == "anchor")
    lines = []
    for t in timings:
        if t.page.kind == "key":
            ok = t.p95 <= KEY_PAGE_MS and anchor.p95 / t.p95 >= KEY_PAGE_ANCHOR_RATIO
            if not ok:
                lines.append(
                    f"MISSED {t.page.name}: p95 {t.p95:.1f} ms (target {KEY_PAGE_MS:.0f} ms), "
                    f"anchor ratio {anchor.p95 / t.p95:.1f} (target {KEY_PAGE_ANCHOR_RATIO:.0f})"
                )
        elif t.page.kind == "simplest" and t.p95 > SIMPLEST_PAGE_MS:
            lines.append(
                f"MISSED {t.page.name}: p95 {t.p95:.1f} ms (target {SIMPLEST_PAGE_MS:.0f} ms)"
            )
        elif t.page.kind == "dashboard" and t.p95 > DASHBOARD_MS:
            lines.append(f"MISSED {t.page.name}: p95 {t.p95:.1f} ms (target {DASHBOARD_MS:.0f} ms)")
    lines.extend(
        f"MISSED load {r.page.name}: {r.per_second:.1f} req/s, {r.errors} errors "
        f"(target {LOAD_REQUESTS_PER_SECOND:.0f} req/s, 0 errors)"
        for r in loads
        if r.page.kind == "key" and (r.per_second < LOAD_REQUESTS_PER_SECOND or r.errors)
    )
    return lines or ["Every target met."]


def markdown(
    *,
    command: str,
    counts: dict[str, int],
    seed_seconds: float | None,
    refresh: tuple[int, float] | None,
    timings: list[Timing],
    loads: list[LoadResult],
    rounds: int,
    load_seconds: float,
    started_load: str,
) -> str:
    anchor = next(t for t in timings if t.page.kind == "anchor")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    data = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items())
    lines = [
        f"### Run of {now}",
        "",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        f"- Load average at the start: {started_load}; at the end: {load_average()}",
        f"- Data: {data}"
        + (f" (seeded in {seed_seconds:.0f} s)" if seed_seconds else " (seeded earlier, kept)"),
    ]
    if refresh:
        lines.append(
            f"- Nightly review-date refresh (`reviews.refresh.schedule_refresh_all`): "
            f"{refresh[0]:,} learners in {refresh[1]:.1f} s"
        )
    lines += [
        "",
        f"Server-side time through Django's test client, DEBUG off, {rounds} interleaved rounds:",
        "",
        "| page | p50 ms | p95 ms | queries | anchor p95 / page p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {t.page.name} | {t.p50:.1f} | {t.p95:.1f} | {t.queries} | {anchor.p95 / t.p95:.1f} |"
        for t in timings
    ]
    if loads:
        lines += [
            "",
            f"Load: gunicorn, 2 sync workers, 16 connections, {load_seconds:.0f} s a page, "
            "loopback:",
            "",
            "| page | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r.page.name} | {r.per_second:.1f} | {percentile(r.latencies_ms, 50):.0f} | "
            f"{percentile(r.latencies_ms, 95):.0f} | {percentile(r.latencies_ms, 99):.0f} | "
            f"{r.errors} |"
            for r in loads
        ]
    lines += ["", "Targets:", ""]
    lines += [f"- {line}" for line in verdicts(timings, loads)]
    return "\n".join(lines) + "\n"


def write_report(run: str, path: Path = REPORT) -> None:
    """Put the run first under the runs marker, keeping the last few runs."""
    text = path.read_text() if path.exists() else f"# Performance\n\n## Runs\n\n{RUNS_START}\n"
    if RUNS_START not in text:
        text = text.rstrip() + f"\n\n## Runs\n\n{RUNS_START}\n"
    head, _, runs = text.partition(RUNS_START)
    previous = [r for r in re.split(r"(?m)^(?=### Run of )", runs) if r.strip()]
    kept = [run, *previous][:RUNS_KEPT]
    path.write_text(head + RUNS_START + "\n\n" + "\n".join(r.rstrip() + "\n" for r in kept))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="drop the bench database first")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is national scale")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--load-seconds", type=float, default=15.0)
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--no-report", action="store_true", help="print, do not write docs")
    parser.add_argument("--profile", metavar="NAME", help="cProfile one page (name contains)")
    args = parser.parse_args()
    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        raise SystemExit("The bench needs PostgreSQL (DATABASE_URL).")
    started_load = load_average()
    ensure_database(database_url, reseed=args.reseed)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed_seconds = seed_if_empty(scale=args.scale)
    if seed_seconds is not None:
        print(f"Seeded in {seed_seconds:.0f} s")

    from benchmarks.national import TODAY
    from reviews.refresh import schedule_refresh_all

    world = bench_world()
    pages = key_pages(world)
    clients = signed_in_clients(world)
    if args.profile:
        page = next(p for p in pages if args.profile in p.name)
        profile_page(page, clients)
        return

    started = time.perf_counter()
    refreshed = schedule_refresh_all(today=TODAY)
    refresh = (refreshed.looked_at, time.perf_counter() - started)
    print(f"Nightly refresh: {refresh[0]} learners in {refresh[1]:.1f} s")

    timings = time_pages(pages, clients, rounds=args.rounds)
    loads = []
    if not args.no_load:
        loads = load_run(
            [p for p in pages if p.load],
            clients,
            database_url=database_url,
            seconds=args.load_seconds,
        )
    from benchmarks.national import counts_now

    run = markdown(
        command="make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""),
        counts=counts_now(),
        seed_seconds=seed_seconds,
        refresh=refresh,
        timings=timings,
        loads=loads,
        rounds=args.rounds,
        load_seconds=args.load_seconds,
        started_load=started_load,
    )
    print(run)
    if not args.no_report:
        write_report(run)
        print(f"Written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
