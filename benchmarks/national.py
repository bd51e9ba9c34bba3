"""Seed a national-scale world for `make bench`: prisons, staff, learners and
everything their pages read, written with PostgreSQL's COPY so 20,000 learners,
250k reviews and 1M audit rows take a minute or two, not ten.

Deterministic (one seeded random generator): the same world every time. Rows are
given their primary keys here, so later tables can point at them without reading
them back; the sequences are moved past them at the end. Columns the seed does not
name take the model field's default, so a field added later with a default does
not break the seed.

`scale` shrinks everything in proportion (the smoke test seeds 0.0025 of it).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

TODAY = dt.date(2026, 11, 2)
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
BENCH_PASSWORD = "bench-only-password-not-secret"  # noqa: S105 - bench database only  # nosec B105

# National scale (issue 15): 20,000 learners in 102 prisons; the rest follows.
LEARNERS = 20_000
PRISONS = 102
AUDIT_ROWS = 1_000_000


@dataclass
class Seeded:
    """What the seed made, for the timing run to pick its users and learners."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _column_defaults(model: type[models.Model]) -> dict[str, Callable[[], object]]:
    now = timezone.now()
    defaults: dict[str, Callable[[], object]] = {}
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = lambda now=now: now
        elif f.has_default() and callable(f.default):
            value = f.get_default()  # one call: e.g. timezone.now, dict
            defaults[f.attname] = lambda value=value: value
        else:
            value = f.get_default()
            defaults[f.attname] = lambda value=value: value
    return defaults


def copy_rows(model: type[models.Model], rows: Iterable[dict[str, object]]) -> int:
    """COPY rows (dicts keyed by attname) into the model's table. Rows that carry
    their primary key keep it; otherwise the table's sequence numbers them."""
    rows = list(rows)
    if not rows:
        return 0
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk or pk.attname in rows[0]]
    defaults = _column_defaults(model)
    columns = [f.column for f in fields]
    buffer = io.StringIO()
    count = 0
    for row in rows:
        values = []
        for f in fields:
            value = row[f.attname] if f.attname in row else defaults[f.attname]()
            values.append(_copy_value(value))
        buffer.write("\t".join(values))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
    return count


def _chunks(rows: Iterator[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    chunk: list[dict[str, object]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def copy_many(model: type[models.Model], rows: Iterator[dict[str, object]]) -> int:
    return sum(copy_rows(model, chunk) for chunk in _chunks(rows, 100_000))


def prison_number(n: int) -> str:
    return f"{LETTERS[n % 24]}{n % 10000:04d}{LETTERS[(n // 24) % 24]}{LETTERS[(n // 576) % 24]}"


def prison_code(n: int) -> str:
    return f"Z{LETTERS[n // 24 % 24]}{LETTERS[n % 24]}"


def seed(*, scale: float = 1.0, log: Callable[[str], None] = print) -> Seeded:
    """Seed the world into the current (empty) database."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Prison, Region, Role, User
    from audit.models import AuditEvent
    from learners.models import Consent, ConsentKind, CourseStatus, CustodyStatus, Learner
    from notifications.models import Notification, NotificationKind
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

    rng = random.Random(15)
    learner_count = max(50, round(LEARNERS * scale))
    prison_count = max(3, round(PRISONS * scale))
    audit_count = max(500, round(AUDIT_ROWS * scale))
    result = Seeded()
    counts = result.counts
    now = timezone.now()
    password = make_password(BENCH_PASSWORD)

    with transaction.atomic():
        regions = [Region.objects.create(name=f"Bench region {n}") for n in range(10)]
        prisons = Prison.objects.bulk_create(
            Prison(code=prison_code(n), name=f"HMP Bench {n}", region=regions[n % 10])
            for n in range(prison_count)
        )
        counts["prisons"] = len(prisons)

        # Staff: a regional manager for each three prisons, a tutor for each two,
        # an OMU officer in each; one director and one administrator.
        staff: list[tuple[User, list[Prison]]] = []

        def person(email: str, role: str, covers: list[Prison]) -> User:
            user = User(email=email, full_name=f"Bench {role} {len(staff)}", role=role)
            user.password = password
            staff.append((user, covers))
            return user

        managers = [
            person(f"rm{n}@bench.example", Role.REGIONAL_MANAGER, prisons[n : n + 3])
            for n in range(0, prison_count, 3)
        ]
        tutors = [
            person(f"tutor{n}@bench.example", Role.TUTOR, prisons[n : n + 2])
            for n in range(0, prison_count, 2)
        ]
        for n, prison in enumerate(prisons):
            person(f"omu{n}@bench.example", Role.OMU, [prison])
        person("director@bench.example", Role.DIRECTOR, [])
        person("admin@bench.example", Role.ADMINISTRATOR, [])
        User.objects.bulk_create([user for user, _ in staff])
        Through = User.prisons.through
        Through.objects.bulk_create(
            Through(user_id=user.pk, prison_id=prison.pk)
            for user, covers in staff
            for prison in covers
        )
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=user, name="Bench", confirmed=True) for user, _ in staff
        )
        counts["staff"] = len(staff)
        manager_of = {p.pk: managers[i // 3] for i, p in enumerate(prisons)}
        tutor_of = {p.pk: tutors[i // 2] for i, p in enumerate(prisons)}

        track = Track.objects.create(name="Bench track", order=1)
        modules = Module.objects.bulk_create(
            Module(track=track, title=f"Module {n}", order=n, required_for_graduation=n < 12)
            for n in range(20)
        )
        log(f"  prisons, {len(staff)} staff, curriculum")

        statuses = (
            [CourseStatus.REFERRED] * 8
            + [CourseStatus.ACTIVE] * 52
            + [CourseStatus.PAUSED] * 3
            + [CourseStatus.GRADUATED] * 24
            + [CourseStatus.WITHDRAWN] * 13
        )
        learners = []
        for n in range(learner_count):
            joined = TODAY - dt.timedelta(days=rng.randint(30, 6 * 365))
            status = rng.choice(statuses)
            prison = prisons[n % prison_count]
            intake = None if status == CourseStatus.REFERRED else joined + dt.timedelta(days=14)
            graduated = None
            if status == CourseStatus.GRADUATED:
                graduated = min(joined + dt.timedelta(days=rng.randint(200, 700)), TODAY)
            learners.append(
                {
                    "id": n + 1,
                    "prison_number": prison_number(n),
                    "first_name": f"First{n}",
                    "last_name": f"Last{n % 997}",
                    "date_of_birth": dt.date(1965 + n % 40, 1 + n % 12, 1 + n % 28),
                    "prison_id": prison.pk,
                    "joined_on": joined,
                    "course_status": status,
                    "custody_status": CustodyStatus.IN_CUSTODY,
                    "graduated_on": graduated,
                    "intake_completed_on": intake,
                    "expected_release_on": joined + dt.timedelta(days=rng.randint(200, 2400)),
                    "tutor_id": tutor_of[prison.pk].pk,
                    "regional_manager_id": manager_of[prison.pk].pk,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        released = set(rng.sample(range(learner_count), learner_count * 7 // 20))
        for n in released:
            learners[n]["custody_status"] = CustodyStatus.RELEASED
        counts["learners"] = copy_rows(Learner, learners)
        log(f"  {counts['learners']} learners")

        consents = (
            {
                "learner_id": row["id"],
                "kind": ConsentKind.SHARE_WITH_OMU,
                "given_on": row["joined_on"],
                "recorded_at": now,
            }
            for row in learners
            if row["intake_completed_on"] and row["id"] % 3
        )
        counts["consents"] = copy_many(Consent, consents)

        completion_rows, review_rows, intervention_rows = [], [], []
        review_id = 0
        for row in learners:
            if row["intake_completed_on"] is None:
                continue
            learner_id = row["id"]
            done = 12 if row["graduated_on"] else rng.randint(0, 11)
            for index, module in enumerate(modules[:done]):
                completion_rows.append(
                    {
                        "learner_id": learner_id,
                        "module_id": module.pk,
                        "completed_on": min(
                            row["joined_on"] + dt.timedelta(days=25 * (index + 1)), TODAY
                        ),
                        "evidence": "Built a small web page",
                    }
                )
            due = row["intake_completed_on"] + dt.timedelta(weeks=12)
            while due < TODAY:
                held = due + dt.timedelta(days=rng.randint(-14, 10))
                if held > TODAY:
                    break
                review_id += 1
                review_rows.append(
                    {
                        "id": review_id,
                        "learner_id": learner_id,
                        "status": ReviewStatus.COMPLETE,
                        "due_on": due,
                        "held_on": held,
                        "progress": "Steady progress on the current module.",
                        "learner_words": "I am enjoying it.",
                        "rag": rng.choice(("green", "green", "amber", "red")),
                        "created_by_id": row["tutor_id"],
                        "created_at": now,
                        "updated_at": now,
                        "completed_at": now,
                    }
                )
                due = held + dt.timedelta(weeks=12)
            if rng.random() < 0.45:
                raised = row["joined_on"] + dt.timedelta(days=rng.randint(10, 200))
                open_ = rng.random() < 0.3
                intervention_rows.append(
                    {
                        "learner_id": learner_id,
                        "kind": InterventionKind.EXTRA_TUTOR_TIME,
                        "description": "Extra tutor time",
                        "owner_id": row["tutor_id"],
                        "due_on": raised + dt.timedelta(days=30),
                        "status": InterventionStatus.OPEN if open_ else InterventionStatus.DONE,
                        "raised_at": dt.datetime.combine(raised, dt.time(12), tzinfo=dt.UTC),
                        "closed_on": None if open_ else raised + dt.timedelta(days=30),
                    }
                )
        counts["completions"] = copy_many(ModuleCompletion, iter(completion_rows))
        counts["reviews"] = copy_many(Review, iter(review_rows))
        counts["interventions"] = copy_many(Intervention, iter(intervention_rows))
        log(
            f"  {counts['completions']} completions, {counts['reviews']} reviews, "
            f"{counts['interventions']} interventions"
        )

        release_rows, follow_up_rows, outcome_rows = [], [], []
        kinds = list(OutcomeKind.values)
        for release_id, n in enumerate(sorted(released), start=1):
            row = learners[n]
            released_on = TODAY - dt.timedelta(days=rng.randint(20, 900))
            release_rows.append(
                {
                    "id": release_id,
                    "learner_id": row["id"],
                    "released_on": released_on,
                    "release_type": ReleaseType.LICENCE,
                    "area": "Leeds",
                    "recorded_at": now,
                }
            )
            for months in (1, 3, 6, 12, 24):
                due = released_on + dt.timedelta(days=30 * months)
                confirmed = due + dt.timedelta(days=rng.randint(0, 10)) if due < TODAY else None
                follow_up_rows.append(
                    {
                        "id": len(follow_up_rows) + 1,
                        "release_id": release_id,
                        "learner_id": row["id"],
                        "months": months,
                        "due_on": due,
                        "confirmed_on": confirmed,
                    }
                )
                if confirmed:
                    outcome_rows.extend(
                        {
                            "follow_up_id": len(follow_up_rows),
                            "learner_id": row["id"],
                            "confirmed_on": confirmed,
                            "kind": kind,
                        }
                        for kind in rng.sample(kinds, rng.choice((1, 1, 2)))
                    )
        counts["releases"] = copy_many(Release, iter(release_rows))
        counts["follow_ups"] = copy_many(FollowUp, iter(follow_up_rows))
        counts["outcomes"] = copy_many(Outcome, iter(outcome_rows))
        log(
            f"  {counts['releases']} releases, {counts['follow_ups']} follow-ups, "
            f"{counts['outcomes']} outcomes"
        )

        # A few notifications for every tutor and manager, half of them unread.
        notification_rows = []
        for row in learners[: min(learner_count, 4000)]:
            if row["intake_completed_on"] is None:
                continue
            notification_rows.append(
                {
                    "recipient_id": row["tutor_id"],
                    "kind": NotificationKind.REVIEW_DUE,
                    "learner_id": row["id"],
                    "object_type": "learner",
                    "object_id": str(row["id"]),
                    "due_on": TODAY,
                    "summary": f"Progress review for {row['first_name']} is due",
                    "created_at": now,
                    "read_at": now if row["id"] % 2 else None,
                }
            )
        counts["notifications"] = copy_many(Notification, iter(notification_rows))

        actors = [user.pk for user, _ in staff]
        actions = ["learner.view", "learner.view", "learner.view", "review.save", "sign_in"]

        def audit_rows() -> Iterator[dict[str, object]]:
            start = now - dt.timedelta(days=730)
            step = dt.timedelta(days=730) / audit_count
            for n in range(audit_count):
                learner = 1 + (n * 7919) % learner_count
                yield {
                    "occurred_at": start + step * n,
                    "actor_id": actors[n % len(actors)],
                    "action": actions[n % len(actions)],
                    "object_type": "learner",
                    "object_id": str(learner),
                    "learner_ref": learner,
                    "request_id": f"bench-{n}",
                    "ip_address": "127.0.0.1",
                    "detail": {},
                }

        counts["audit_events"] = copy_many(AuditEvent, audit_rows())
        log(f"  {counts['audit_events']} audit events")

        with connection.cursor() as cursor:
            sql = connection.ops.sequence_reset_sql(
                no_style(),
                [Learner, Review, Release, FollowUp, Outcome, AuditEvent, Notification],
            )
            for statement in sql:
                cursor.execute(statement)

    # Learners' stored next review dates, as the nightly refresh would leave them.
    from reviews.refresh import schedule_refresh_all

    schedule_refresh_all(today=TODAY)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result


def counts_now() -> dict[str, int]:
    """How many rows the pages read from, for the report."""
    from accounts.models import Prison
    from audit.models import AuditEvent
    from learners.models import Learner
    from resettlement.models import FollowUp
    from reviews.models import ModuleCompletion, Review

    return {
        "learners": Learner.objects.count(),
        "prisons": Prison.objects.count(),
        "reviews": Review.objects.count(),
        "completions": ModuleCompletion.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }
