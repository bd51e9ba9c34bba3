"""Two-factor sign-in: enrolment, verification, backup codes and reset.

A person signs in with a password (the session key changes), then gives a code
from their authenticator app (the session key changes again). Until then every
page but the code prompt sends them to it (accounts.middleware). A TOTP code
cannot be used twice (django-otp keeps the last time step used), and a backup
code is deleted when used.
"""

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import clear_failures, second_factor_failed
from audit.models import Outcome
from audit.services import audit_record

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(user) -> TOTPDevice:
    """The not-yet-confirmed device shown as a QR code during enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI for an <img> (the CSP allows data:
    images; nothing in it runs, and nothing needs marking safe)."""
    qr = segno.make(provisioning_uri(device), error="m")
    return qr.svg_data_uri(scale=5, dark="#0b0c0c", light="#ffffff")


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for people who cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _new_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _complete_sign_in(request, device) -> None:
    otp_login(request, device)
    # A new session key once the second factor is given, as after the password.
    request.session.cycle_key()


@transaction.atomic
def two_factor_enrol(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm the app the person has just set up, with a code from it."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        audit_record(actor=user, action="auth.two_factor_enrol", outcome=Outcome.FAILURE)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    _new_backup_codes(user)
    _complete_sign_in(request, device)
    clear_failures(user)
    audit_record(actor=user, action="auth.two_factor_enrol", obj=user)
    return True


@transaction.atomic
def two_factor_verify(*, request, token: str) -> bool:
    """Check the code after the password; on success the session is fully signed in."""
    user = request.user
    device = match_token(user, token)
    if device is None:
        audit_record(actor=user, action="auth.two_factor", outcome=Outcome.FAILURE)
        second_factor_failed(request, user)
        return False
    _complete_sign_in(request, device)
    clear_failures(user)
    audit_record(
        actor=user,
        action="auth.two_factor",
        obj=user,
        detail={"method": "backup code" if isinstance(device, StaticDevice) else "app"},
    )
    return True


def backup_codes_for(user) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user, device__confirmed=True)
        .order_by("pk")
        .values_list("token", flat=True)
    )


@transaction.atomic
def backup_codes_regenerate(*, user) -> list[str]:
    codes = _new_backup_codes(user)
    audit_record(actor=user, action="auth.backup_codes_regenerate", obj=user)
    return codes


@transaction.atomic
def two_factor_reset(*, actor, user) -> None:
    """An administrator removes a person's app and backup codes (a lost phone):
    at their next sign-in they set up an app again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="auth.two_factor_reset", obj=user)
