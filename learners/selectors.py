"""Reads of learner data. Every function here is a permission gate: it scopes by
the user's prisons and role through `accounts.access`, and raises Http404 for a
learner the user may not see (so another prison's records look like nothing)."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts.access import Access, Capability, access_for
from learners.models import Consent, ConsentKind, Learner


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
