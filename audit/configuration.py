"""Changes to who may see what go into the audit trail wherever they are made
(issue 13 item 3): a user's role, prisons, active and staff flags, and the
prisons and regions themselves, whether changed on a staff page, in the admin
site (which Django only logs in its own, editable table) or from a shell.

Model signals catch every path; `AuditActorMiddleware` remembers the signed-in
user of the request so the row names who made the change (empty from a shell
or a migration). Values recorded are codes and ids, never free text; a changed
name or email is recorded by field name only."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import Prison, Region, User
from audit.services import audit_record

current_actor: ContextVar[Any] = ContextVar("current_actor", default=None)

# Compared field by field; values kept for codes and flags, names only for text.
USER_FIELDS_WITH_VALUES = ("role", "is_active", "is_staff", "is_superuser")
USER_FIELDS_BY_NAME = ("email", "full_name")
PRISON_FIELDS = ("code", "name", "region_id", "is_active")
REGION_FIELDS = ("name",)


class AuditActorMiddleware:
    """Keeps the request's user for audit rows written by model signals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)


def _actor():
    user = current_actor.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _before(sender, instance, fields: tuple[str, ...], update_fields=None) -> None:
    if update_fields is not None and not set(update_fields) & set(fields):
        instance._audit_before = None  # e.g. last_login at sign-in: nothing to compare
        return
    if instance.pk is None:
        instance._audit_before = None
        return
    old = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    instance._audit_before = old


def _changes(instance, fields: tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
    before = getattr(instance, "_audit_before", None) or {}
    return {
        name: (before.get(name), getattr(instance, name))
        for name in fields
        if name in before and before[name] != getattr(instance, name)
    }


@receiver(pre_save, sender=User, dispatch_uid="audit_user_before")
def _user_before(sender, instance, update_fields=None, **kwargs) -> None:
    _before(sender, instance, USER_FIELDS_WITH_VALUES + USER_FIELDS_BY_NAME, update_fields)


@receiver(post_save, sender=User, dispatch_uid="audit_user_saved")
def audit_user_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        audit_record(
            actor=_actor(),
            action="user.create",
            obj=instance,
            detail={name: getattr(instance, name) for name in USER_FIELDS_WITH_VALUES},
        )
        return
    changes = _changes(instance, USER_FIELDS_WITH_VALUES + USER_FIELDS_BY_NAME)
    if not changes:
        return
    detail: dict[str, Any] = {"fields": sorted(changes)}
    for name in USER_FIELDS_WITH_VALUES:
        if name in changes:
            detail[name] = {"from": changes[name][0], "to": changes[name][1]}
    audit_record(actor=_actor(), action="user.update", obj=instance, detail=detail)


@receiver(m2m_changed, sender=User.prisons.through, dispatch_uid="audit_user_prisons")
def audit_user_prisons(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A user's prisons: who added or removed which (from either side)."""
    if action == "pre_clear":
        field = (
            User._meta.get_field("prisons").remote_field.get_accessor_name()
            if reverse
            else "prisons"
        )
        instance._audit_cleared = sorted(getattr(instance, field).values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = (
        getattr(instance, "_audit_cleared", []) if action == "post_clear" else sorted(pk_set or [])
    )
    if not ids:
        return
    change = "added" if action == "post_add" else "removed"
    if reverse:  # prison.staff.add(users): one row per user
        for user in User.objects.filter(pk__in=ids):
            audit_record(
                actor=_actor(),
                action="user.prisons",
                obj=user,
                detail={change: [instance.pk]},
            )
    else:
        audit_record(actor=_actor(), action="user.prisons", obj=instance, detail={change: ids})


@receiver(pre_save, sender=Prison, dispatch_uid="audit_prison_before")
def _prison_before(sender, instance, **kwargs) -> None:
    _before(sender, instance, PRISON_FIELDS)


@receiver(pre_save, sender=Region, dispatch_uid="audit_region_before")
def _region_before(sender, instance, **kwargs) -> None:
    _before(sender, instance, REGION_FIELDS)


def _place_saved(instance, created: bool, fields: tuple[str, ...], kind: str) -> None:
    if created:
        audit_record(actor=_actor(), action=f"{kind}.create", obj=instance)
        return
    changes = _changes(instance, fields)
    if changes:
        audit_record(
            actor=_actor(),
            action=f"{kind}.update",
            obj=instance,
            detail={"fields": sorted(changes)},
        )


@receiver(post_save, sender=Prison, dispatch_uid="audit_prison_saved")
def audit_prison_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not raw:
        _place_saved(instance, created, PRISON_FIELDS, "prison")


@receiver(post_save, sender=Region, dispatch_uid="audit_region_saved")
def audit_region_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not raw:
        _place_saved(instance, created, REGION_FIELDS, "region")


@receiver(post_delete, sender=Prison, dispatch_uid="audit_prison_deleted")
@receiver(post_delete, sender=Region, dispatch_uid="audit_region_deleted")
@receiver(post_delete, sender=User, dispatch_uid="audit_user_deleted")
def audit_configuration_deleted(sender, instance, **kwargs) -> None:
    audit_record(
        actor=_actor(),
        action=f"{sender._meta.model_name}.delete",
        detail={"id": instance.pk},
    )
