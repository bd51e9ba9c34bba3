"""The sign-in backend: Django's ModelBackend, whose `get_user` (run on every
signed-in request to load the session's user) brings in the same query the
user's prison ids and the ids of their confirmed second-factor devices (issue 15:
the per-request floor). `accounts.access.access_for` takes the prisons from it,
and `accounts.middleware.OTPDeviceMiddleware` checks the session's device against
it, instead of a query each."""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef
from django_otp import device_classes

from accounts.models import User


def _device_label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _annotation(model) -> str:
    return f"signed_in_{model._meta.app_label}_{model._meta.model_name}_ids"


@functools.cache
def _device_models() -> tuple:
    """Every kind of second-factor device installed (authenticator app, backup
    codes, ...): a session verified by any of them stays verified."""
    return tuple(device_classes())


class SignedInUserBackend(ModelBackend):
    def get_user(self, user_id):
        device_models = _device_models()
        users = User._default_manager.filter(pk=user_id)
        if connection.vendor == "postgresql":
            users = users.annotate(
                signed_in_prison_ids=ArraySubquery(
                    User.prisons.through.objects.filter(user_id=OuterRef("pk")).values("prison_id")
                ),
                **{
                    _annotation(model): ArraySubquery(
                        model.objects.filter(user_id=OuterRef("pk"), confirmed=True).values("pk")
                    )
                    for model in device_models
                },
            )
        user = users.first()
        if user is None or not self.user_can_authenticate(user):
            return None
        if hasattr(user, "signed_in_prison_ids"):
            user.confirmed_device_ids = frozenset(
                f"{_device_label(model)}/{pk}"
                for model in device_models
                for pk in getattr(user, _annotation(model))
            )
        return user
