"""Reads of learner data. Every function here is a permission gate: it scopes by
the user's prisons and role through `accounts.access`, and raises Http404 for a
learner the user may not see (so another prison's records look like nothing)."""

import calendar
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import Access, Capability, access_for
from accounts.models import Role, User
from learners.models import (
    CaseNote,
    Consent,
    ConsentKind,
    CustodyStatus,
    Goal,
    ImportRun,
    IntakeDraft,
    IntakeInterview,
    IntakeRestricted,
    IntakeRevision,
    Learner,
    StatusChange,
    Transfer,
)


def sharing_consent_standing() -> Exists:
    """True for learners with a standing consent to share their plan with the OMU."""
    return Exists(
        Consent.objects.filter(
            learner=OuterRef("pk"), kind=ConsentKind.SHARE_WITH_OMU, withdrawn_on__isnull=True
        )
    )


def _scoped(access: Access) -> QuerySet[Learner]:
    learners = Learner.objects.filter(access.prison_q("prison"))
    if access.needs_sharing_consent:
        learners = learners.filter(sharing_consent_standing())
    return learners


def learner_list_for_user(
    user, *, capability: Capability = Capability.VIEW_LEARNER_RECORD
) -> QuerySet[Learner]:
    """The learners `user` may see for `capability`. 403 if the role lacks it."""
    access = access_for(user)
    access.require(capability)
    return _scoped(access).select_related("prison", "tutor", "regional_manager")


def learner_for_user(
    user, pk: int, *, capability: Capability = Capability.VIEW_LEARNER_RECORD
) -> Learner:
    """One learner, or Http404 if the user may not see them. 403 if the role lacks
    `capability` altogether (checked first, so a 403 says nothing about existence)."""
    try:
        return learner_list_for_user(user, capability=capability).get(pk=pk)
    except (Learner.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No learner found.") from exc


def sees_justice_data_fields(user) -> bool:
    """Gender and PNC number (kept for the Justice Data Lab) are for regional managers
    and directors only: not tutors, OMU staff or administrators."""
    access = access_for(user)
    return access.can(Capability.CHANGE_LEARNER) or access.can(Capability.MAKE_REPORTS)


def learners_needing_regional_manager_for_user(user) -> QuerySet[Learner]:
    """Learners at the user's prisons with no regional manager (a transfer to a
    prison without exactly one found them nobody), for its regional managers to
    take on. 403 for roles that cannot change learners."""
    return (
        learner_list_for_user(user, capability=Capability.CHANGE_LEARNER)
        .filter(regional_manager__isnull=True, anonymised_at__isnull=True)
        .order_by("prison__name", "last_name", "first_name", "pk")
    )


# --- Duplicates -------------------------------------------------------------------

# pg_trgm similarity of the whole names ("Jonathan Pryce" and "Jonathon Pryce"
# score 0.67, "Ryan Walker" and "Rian Walker" 0.6, "Bob Pryce" and "Jonathan
# Pryce" 0.33). Word order does not matter: trigrams are taken word by word.
NEAR_MATCH_SIMILARITY = 0.5
# Without PostgreSQL (the embedded SQLite of `make run`) a plainer measure.
NEAR_MATCH_RATIO = 0.8
POSSIBLE_MATCH_ELSEWHERE = "A possible match exists at another prison"


class BirthDateSlip(models.TextChoices):
    SAME = "same", "date of birth"
    SWAPPED = "swapped", "date of birth with day and month swapped"
    ONE_DIGIT = "one_digit", "date of birth one digit different"


def normalised_name(first_name: str, last_name: str) -> str:
    """Lower case letters only: 'O'Brien-Smith ' and 'obriensmith' match."""
    return "".join(ch for ch in f"{first_name}{last_name}".lower() if ch.isalpha())


@functools.lru_cache(maxsize=50_000)
def birth_date_slips(born: dt.date) -> dict[dt.date, BirthDateSlip]:
    """The dates a mistyped `born` may have been entered as: itself, day and month
    swapped, and every real date (years 1900 to 2100) with one digit of YYYYMMDD
    different. Cached: an import asks for the same dates many times. Do not change
    the returned dict."""
    year, month, day = born.year, born.month, born.day
    slips = {born: BirthDateSlip.SAME}
    if day <= 12 and day != month:
        slips[dt.date(year, day, month)] = BirthDateSlip.SWAPPED
    typed: list[tuple[int, int, int]] = []
    for place in (1000, 100, 10, 1):
        digit = year // place % 10
        typed.extend(
            (year + (other - digit) * place, month, day) for other in range(10) if other != digit
        )
    for place in (10, 1):
        digit = month // place % 10
        typed.extend(
            (year, month + (other - digit) * place, day) for other in range(10) if other != digit
        )
        digit = day // place % 10
        typed.extend(
            (year, month, day + (other - digit) * place) for other in range(10) if other != digit
        )
    for y, m, d in typed:
        if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
            slips.setdefault(dt.date(y, m, d), BirthDateSlip.ONE_DIGIT)
    return slips


def possible_match_reason(*, same_name: bool, slip: str) -> str:
    """'Similar name and date of birth with day and month swapped', and so on."""
    return f"{'Same' if same_name else 'Similar'} name and {BirthDateSlip(slip).label}"


@dataclass(frozen=True)
class DuplicateQuery:
    """One person about to be recorded; `key` is how the caller tells them apart
    (the line of an import file, say)."""

    key: int
    first_name: str
    last_name: str
    date_of_birth: dt.date


@dataclass(frozen=True)
class LikelyDuplicate:
    learner: Learner | None  # None when the user may not open the record
    reason: str


# Set-based: every (person, date they may have meant) pair joined to the learners
# born on that date, kept where the names are similar. One query for one person
# or for an import of 10,000; the dates use the date of birth index.
_CANDIDATES_SQL = """
WITH wanted(key, name, born) AS (SELECT * FROM unnest(%s::int[], %s::text[], %s::date[])),
     slips(born, typed, slip) AS (SELECT * FROM unnest(%s::date[], %s::date[], %s::text[]))
SELECT wanted.key, learner.id, slips.slip, learner.first_name, learner.last_name
FROM wanted
JOIN slips ON slips.born = wanted.born
JOIN learners_learner learner ON learner.date_of_birth = slips.typed
WHERE learner.anonymised_at IS NULL
  AND similarity(learner.first_name || ' ' || learner.last_name, wanted.name) >= %s
"""


def _array_literal(values) -> str:
    """A PostgreSQL array literal of dates, ints or plain words: one parameter
    rather than one adapted value per element (an import sends 300,000 dates)."""
    return "{" + ",".join(str(value) for value in values) + "}"


def _candidates_postgresql(
    people: Sequence[DuplicateQuery], slips: dict[dt.date, dict[dt.date, BirthDateSlip]]
) -> list[tuple[int, int, str, bool]]:
    slip_rows = [
        (born, typed, slip) for born, dates in slips.items() for typed, slip in dates.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _CANDIDATES_SQL,
            [
                _array_literal(person.key for person in people),
                [f"{person.first_name} {person.last_name}" for person in people],
                _array_literal(person.date_of_birth for person in people),
                _array_literal(row[0] for row in slip_rows),
                _array_literal(row[1] for row in slip_rows),
                _array_literal(row[2].value for row in slip_rows),
                NEAR_MATCH_SIMILARITY,
            ],
        )
        found = cursor.fetchall()
    wanted = {person.key: normalised_name(person.first_name, person.last_name) for person in people}
    return [
        (key, pk, slip, normalised_name(first, last) == wanted[key])
        for key, pk, slip, first, last in found
    ]


def _candidates_elsewhere(
    people: Sequence[DuplicateQuery], slips: dict[dt.date, dict[dt.date, BirthDateSlip]]
) -> list[tuple[int, int, str, bool]]:
    """Other databases (SQLite in development): the same dates, and names compared
    by a character-sequence ratio of the normalised names."""
    every_date = {born for dates in slips.values() for born in dates}
    by_date: dict[dt.date, list[tuple[int, str]]] = {}
    learners = Learner.objects.filter(
        anonymised_at__isnull=True,
        date_of_birth__gte=min(every_date),
        date_of_birth__lte=max(every_date),
    ).values_list("pk", "first_name", "last_name", "date_of_birth")
    for pk, first, last, born in learners:
        if born in every_date:
            by_date.setdefault(born, []).append((pk, normalised_name(first, last)))
    found = []
    for person in people:
        wanted = normalised_name(person.first_name, person.last_name)
        for born, slip in slips[person.date_of_birth].items():
            for pk, name in by_date.get(born, []):
                if name == wanted or SequenceMatcher(None, name, wanted).ratio() >= (
                    NEAR_MATCH_RATIO
                ):
                    found.append((person.key, pk, str(slip), name == wanted))
    return found


def duplicate_candidates(
    user, people: Sequence[DuplicateQuery], *, exclude_pk: int | None = None
) -> dict[int, list[LikelyDuplicate]]:
    """Learners at any prison who may be the same person as one of `people`: a
    similar name (trigram similarity on PostgreSQL) and a date of birth that is
    the same, has day and month swapped, or is one digit different. Keyed by the
    person's key; people with no possible match are left out.

    What the user may open is returned in full, closest first; matches they may
    not open become one entry with no learner, saying only that a possible match
    exists at another prison (no name, number, prison or count)."""
    people = [person for person in people if person.date_of_birth is not None]
    if not people:
        return {}
    slips = {person.date_of_birth: birth_date_slips(person.date_of_birth) for person in people}
    if connection.vendor == "postgresql":
        rows = _candidates_postgresql(people, slips)
    else:
        rows = _candidates_elsewhere(people, slips)
    rows = [row for row in rows if row[1] != exclude_pk]
    if not rows:
        return {}
    order = list(BirthDateSlip)
    rows.sort(key=lambda row: (row[0], not row[3], order.index(BirthDateSlip(row[2])), row[1]))
    visible = {
        learner.pk: learner
        for learner in learner_list_for_user(user, capability=Capability.VIEW_LEARNER_IDENTITY)
        .filter(pk__in={row[1] for row in rows})
        .select_related("prison")
    }
    found: dict[int, list[LikelyDuplicate]] = {}
    hidden: set[int] = set()
    seen: set[tuple[int, int]] = set()
    for key, pk, slip, same_name in rows:
        if (key, pk) in seen:
            continue
        seen.add((key, pk))
        if pk in visible:
            reason = possible_match_reason(same_name=same_name, slip=slip)
            found.setdefault(key, []).append(LikelyDuplicate(visible[pk], reason))
        else:
            hidden.add(key)
    for key in hidden:
        found.setdefault(key, []).append(LikelyDuplicate(None, POSSIBLE_MATCH_ELSEWHERE))
    return found


def likely_duplicates(
    user,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    exclude_pk: int | None = None,
) -> list[LikelyDuplicate]:
    """The possible matches for one person about to be enrolled, at any prison
    (see duplicate_candidates)."""
    if date_of_birth is None:
        return []
    person = DuplicateQuery(
        key=0, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth
    )
    return duplicate_candidates(user, [person], exclude_pk=exclude_pk).get(0, [])


# --- The caseload -------------------------------------------------------------------

RELEASE_SOON_DAYS = 12 * 7

CASELOAD_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "joined": ("joined_on", "pk"),
    "-joined": ("-joined_on", "-pk"),
    "release": (F("expected_release_on").asc(nulls_last=True), "pk"),
    "-release": (F("expected_release_on").desc(nulls_last=True), "-pk"),
    "review": (F("next_review_due_on").asc(nulls_last=True), "pk"),
    "-review": (F("next_review_due_on").desc(nulls_last=True), "-pk"),
}


def caseload_for_user(
    user,
    *,
    search: str = "",
    prison_id: int | None = None,
    course_status: str = "",
    custody_status: str = "",
    tutor_id: int | None = None,
    release_soon: bool = False,
    sort: str = "name",
) -> QuerySet[Learner]:
    """The caseload list: the learners the user may see, filtered and sorted."""
    learners = learner_list_for_user(user)
    search = search.strip()
    if search:
        learners = learners.filter(
            Q(prison_number__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(preferred_name__icontains=search)
            | _full_name_q(search)
        )
    if prison_id:
        learners = learners.filter(prison_id=prison_id)
    if course_status:
        learners = learners.filter(course_status=course_status)
    if custody_status:
        learners = learners.filter(custody_status=custody_status)
    if tutor_id:
        learners = learners.filter(tutor_id=tutor_id)
    if release_soon:
        today = timezone.localdate()
        learners = learners.filter(
            custody_status__in=[CustodyStatus.IN_CUSTODY, CustodyStatus.RETURNED],
            expected_release_on__gte=today,
            expected_release_on__lte=today + dt.timedelta(days=RELEASE_SOON_DAYS),
        )
    return learners.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["name"]))


def _full_name_q(search: str) -> Q:
    """'jamie doy' finds Jamie Doyle: the first word against first (or preferred)
    name, the rest against the last name."""
    first, _, rest = search.partition(" ")
    if not rest.strip():
        return Q(pk__in=[])
    return (Q(first_name__istartswith=first) | Q(preferred_name__istartswith=first)) & Q(
        last_name__istartswith=rest.strip()
    )


# --- One learner's records ----------------------------------------------------------


def intake_for_user(user, *, learner: Learner) -> tuple[IntakeInterview | None, Any]:
    """The learner's intake interview and, only for roles that see restricted
    notes, its restricted answers (None otherwise: never loaded for them)."""
    intake = IntakeInterview.objects.filter(learner=learner).select_related("conducted_by").first()
    access = access_for(user)
    if intake is None or not access.sees_restricted:
        return intake, None
    restricted = IntakeRestricted.objects.visible_to(access).filter(intake=intake).first()
    return intake, restricted


def has_intake(learner: Learner) -> bool:
    """Whether the intake interview has been recorded (uses a prefetched one)."""
    try:
        learner.intake  # noqa: B018 - a reverse one-to-one: raises if absent
    except Learner.intake.RelatedObjectDoesNotExist:
        return False
    return True


def goals_for_learner(learner: Learner) -> QuerySet[Goal]:
    return Goal.objects.filter(learner=learner)


def consents_for_learner(learner: Learner) -> QuerySet[Consent]:
    return Consent.objects.filter(learner=learner).select_related("recorded_by")


def standing_consents(learner: Learner) -> dict[str, Consent]:
    return {c.kind: c for c in consents_for_learner(learner).filter(withdrawn_on__isnull=True)}


@dataclass(frozen=True)
class ConsentChange:
    kind: str
    label: str
    given: bool
    on: dt.date
    recorded_by: Any
    recorded_at: dt.datetime | None


def consent_history(learner: Learner) -> list[ConsentChange]:
    """Every consent given and withdrawn, newest first, with who recorded it."""
    changes = []
    for consent in Consent.objects.filter(learner=learner).select_related(
        "recorded_by", "withdrawal_recorded_by"
    ):
        label = consent.get_kind_display()
        changes.append(
            ConsentChange(
                consent.kind,
                label,
                True,
                consent.given_on,
                consent.recorded_by,
                consent.recorded_at,
            )
        )
        if consent.withdrawn_on is not None:
            changes.append(
                ConsentChange(
                    consent.kind,
                    label,
                    False,
                    consent.withdrawn_on,
                    consent.withdrawal_recorded_by,
                    consent.withdrawal_recorded_at,
                )
            )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(changes, key=lambda c: (c.on, c.recorded_at or epoch, not c.given), reverse=True)


def transfers_for_learner(learner: Learner) -> QuerySet[Transfer]:
    return Transfer.objects.filter(learner=learner).select_related(
        "from_prison", "to_prison", "recorded_by"
    )


def status_changes_for_learner(learner: Learner) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(learner=learner).select_related("changed_by")


def intake_draft_for_user(user, *, learner: Learner) -> IntakeDraft | None:
    """The user's own unfinished intake of this learner (nobody reads another's).
    The learner comes from `learner_for_user`, which has checked the user may."""
    return IntakeDraft.objects.filter(learner=learner, author=user).first()


def intake_answers_on_record(user, *, learner: Learner) -> tuple[bool, dict]:
    """Whether the interview is recorded, and the records an edit starts from:
    the interview (and restricted answers, for roles that see them), standing
    consents and goals."""
    intake, restricted = intake_for_user(user, learner=learner)
    return intake is not None, {
        "intake": intake,
        "restricted": restricted,
        "consents": standing_consents(learner),
        "goals": list(goals_for_learner(learner)),
    }


def intake_revisions(intake: IntakeInterview) -> QuerySet[IntakeRevision]:
    return IntakeRevision.objects.filter(intake=intake).select_related("changed_by")


def import_run_for_user(user, pk: int) -> ImportRun:
    """An import the user uploaded (imports are per person). 403 without the right."""
    access_for(user).require(Capability.ENROL_LEARNER)
    try:
        return ImportRun.objects.get(pk=pk, uploaded_by=user)
    except (ImportRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No import found.") from exc


# --- Case notes ---------------------------------------------------------------------


def case_notes_for_user(user, *, learner: Learner) -> QuerySet[CaseNote]:
    """The case notes of a learner the caller fetched through `learner_for_user`,
    newest first, each with its corrections (oldest first). Restricted notes only
    for roles that see restricted notes; 403 for roles that cannot read the record."""
    access = access_for(user)
    access.require(Capability.VIEW_LEARNER_RECORD)
    visible = CaseNote.objects.visible_to(access)
    return (
        visible.filter(learner=learner, corrects__isnull=True)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "corrections",
                queryset=visible.select_related("recorded_by").order_by("recorded_at", "pk"),
            )
        )
    )


def case_note_for_user(user, *, learner: Learner, pk: int) -> CaseNote:
    """One case note (an original, not a correction) of the learner, or Http404 if
    the user may not see it."""
    try:
        return case_notes_for_user(user, learner=learner).get(pk=pk)
    except (CaseNote.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No case note found.") from exc


def regional_managers_for_learner(learner: Learner):
    """Who may become the learner's regional manager: active regional managers who
    work at the learner's prison."""
    return User.objects.filter(
        role=Role.REGIONAL_MANAGER, is_active=True, prisons=learner.prison_id
    ).order_by("full_name", "pk")


def may_change_regional_manager(actor, learner: Learner) -> bool:
    """Administrators, and regional managers of the learner's prison."""
    access = access_for(actor)
    if access.can(Capability.CONFIGURE):
        return True
    return (
        access.role == Role.REGIONAL_MANAGER
        and access.can(Capability.CHANGE_LEARNER)
        and access.covers_prison(learner.prison_id)
    )


def learner_for_regional_manager_change(user, pk: int) -> Learner:
    """The learner whose regional manager `user` may change: 404 outside the
    user's prisons, 403 unless an administrator or a regional manager of the
    learner's prison."""
    learner = learner_for_user(user, pk, capability=Capability.VIEW_LEARNER_RECORD)
    if not may_change_regional_manager(user, learner):
        raise PermissionDenied("Only an administrator or a regional manager of the prison.")
    return learner
