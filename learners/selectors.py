"""Reads of learner data. Every function here is a permission gate: it scopes by
the user's prisons and role through `accounts.access`, and raises Http404 for a
learner the user may not see (so another prison's records look like nothing)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from accounts.access import Access, Capability, access_for
from learners.models import (
    Consent,
    ConsentKind,
    CustodyStatus,
    Goal,
    ImportRun,
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

NEAR_MATCH_SIMILARITY = 0.5


def normalised_name(first_name: str, last_name: str) -> str:
    """Lower case letters only: 'O'Brien-Smith ' and 'obriensmith' match."""
    return "".join(ch for ch in f"{first_name}{last_name}".lower() if ch.isalpha())


@dataclass(frozen=True)
class LikelyDuplicate:
    learner: Learner | None  # None when the user may not open the record
    reason: str


def likely_duplicates(
    user,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    prison_id: int | None,
    exclude_pk: int | None = None,
) -> list[LikelyDuplicate]:
    """Learners who may be the same person: the same name and date of birth
    anywhere, or a near-match name at the same prison (trigram similarity on
    PostgreSQL, a normalised-name match elsewhere). Records the user may not open
    are reported without detail."""
    wanted = normalised_name(first_name, last_name)
    found: dict[int, str] = {}
    if date_of_birth is not None:
        same_birthday = Learner.objects.filter(date_of_birth=date_of_birth).only(
            "pk", "first_name", "last_name"
        )
        for row in same_birthday:
            if normalised_name(row.first_name, row.last_name) == wanted:
                found[row.pk] = "Same name and date of birth"
    if prison_id is not None:
        at_prison = Learner.objects.filter(prison_id=prison_id)
        if connection.vendor == "postgresql":
            near = at_prison.annotate(
                similarity=TrigramSimilarity(
                    Concat("first_name", Value(" "), "last_name"), f"{first_name} {last_name}"
                )
            ).filter(similarity__gte=NEAR_MATCH_SIMILARITY)
            near_pks = list(near.values_list("pk", flat=True)[:20])
        else:
            near_pks = [
                row.pk
                for row in at_prison.only("pk", "first_name", "last_name")
                if normalised_name(row.first_name, row.last_name) == wanted
            ]
        for pk in near_pks:
            found.setdefault(pk, "Similar name at the same prison")
    found.pop(exclude_pk, None)
    if not found:
        return []
    visible = {
        learner.pk: learner
        for learner in learner_list_for_user(user, capability=Capability.VIEW_LEARNER_IDENTITY)
        .filter(pk__in=found)
        .select_related("prison")
    }
    return [
        LikelyDuplicate(learner=visible.get(pk), reason=reason)
        for pk, reason in sorted(found.items())
    ]


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


def transfers_for_learner(learner: Learner) -> QuerySet[Transfer]:
    return Transfer.objects.filter(learner=learner).select_related(
        "from_prison", "to_prison", "recorded_by"
    )


def status_changes_for_learner(learner: Learner) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(learner=learner).select_related("changed_by")


def intake_revisions(intake: IntakeInterview) -> QuerySet[IntakeRevision]:
    return IntakeRevision.objects.filter(intake=intake).select_related("changed_by")


def import_run_for_user(user, pk: int) -> ImportRun:
    """An import the user uploaded (imports are per person). 403 without the right."""
    access_for(user).require(Capability.ENROL_LEARNER)
    try:
        return ImportRun.objects.get(pk=pk, uploaded_by=user)
    except (ImportRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No import found.") from exc
