from django.db.models import QuerySet

from accounts.access import access_for
from accounts.models import Prison, Role, User


def prisons_for_user(user) -> QuerySet[Prison]:
    """The prisons the user covers (every active prison for directors and administrators)."""
    access = access_for(user)
    prisons = Prison.objects.select_related("region")
    if access.all_prisons:
        return prisons.filter(is_active=True)
    return prisons.filter(pk__in=access.prison_ids)


def staff_at_prisons(prison_ids, *, roles: tuple[str, ...]) -> QuerySet[User]:
    """Active staff of the given roles who cover any of the given prisons."""
    return (
        User.objects.filter(is_active=True, role__in=roles, prisons__in=list(prison_ids))
        .distinct()
        .order_by("full_name")
    )


def tutors_for_user(user) -> QuerySet[User]:
    return staff_at_prisons(
        prisons_for_user(user).values_list("pk", flat=True), roles=(Role.TUTOR,)
    )
