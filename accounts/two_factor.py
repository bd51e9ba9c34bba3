"""Two-factor sign-in: enrolment, verification, backup codes and reset.

A person signs in with a password (the session key changes), then gives a code
from their authenticator app (the session key changes again). Until then every
page but the code prompt sends them to it (accounts.middleware). A TOTP code
cannot be used twice (django-otp keeps the last time step used), and a backup
code is deleted when used.

Backup codes: TWO_FACTOR_BACKUP_CODES codes of 12 characters from a 32-letter
alphabet (60 bits each), stored only as HMAC-SHA256 digests keyed by SECRET_KEY
(so rotating SECRET_KEY ends them, as it ends sessions and reset links). They
are shown once, when made; making a new set needs the password and a code from
the app typed again, and wrong tries count towards the sign-in lockout.
"""

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import clear_failures, second_factor_failed
from accounts.models import BackupCode, BackupCodeDevice
from audit.models import Outcome
from audit.services import audit_record

WRONG_PASSWORD = "Your password is not right. Enter the password you sign in with"  # noqa: S105 - a message  # nosec B105
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


# Crockford's base32: no i, l, o or u, so nothing is misread; 5 bits a letter.
BACKUP_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
BACKUP_CODE_LETTERS = 12
_MISREAD = str.maketrans({"i": "1", "l": "1", "o": "0"})


def _normalised(code: str) -> str:
    return "".join(code.lower().split()).replace("-", "").translate(_MISREAD)


def backup_code_digest(*, user_id: int, code: str) -> str | None:
    """The stored form of a code, or None for text that cannot be a code."""
    plain = _normalised(code)
    if len(plain) != BACKUP_CODE_LETTERS or set(plain) - set(BACKUP_CODE_ALPHABET):
        return None
    value = f"{user_id}:{plain}"
    return salted_hmac("accounts.backup_code", value, algorithm="sha256").hexdigest()


def _new_code() -> str:
    plain = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LETTERS))
    return "-".join(plain[i : i + 4] for i in range(0, BACKUP_CODE_LETTERS, 4))


def _new_backup_codes(user) -> list[str]:
    """A new set replaces every earlier code; returns the codes to show, once."""
    BackupCodeDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).delete()  # codes from before they were hashed
    BackupCode.objects.filter(user=user).delete()
    codes: list[str] = []
    while len(codes) < settings.TWO_FACTOR_BACKUP_CODES:
        code = _new_code()
        if code not in codes:
            codes.append(code)
    BackupCode.objects.bulk_create(
        BackupCode(user=user, digest=backup_code_digest(user_id=user.pk, code=code))
        for code in codes
    )
    return codes


def backup_codes_left(user) -> int:
    return BackupCode.objects.filter(user=user).count()


def _complete_sign_in(request, device) -> None:
    otp_login(request, device)
    # A new session key once the second factor is given, as after the password.
    request.session.cycle_key()


@transaction.atomic
def two_factor_enrol(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app the person has just set up, with a code from it. Returns
    the first backup codes, to be shown this once; None for a wrong code."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        audit_record(actor=user, action="auth.two_factor_enrol", outcome=Outcome.FAILURE)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_backup_codes(user)
    _complete_sign_in(request, device)
    clear_failures(user)
    audit_record(actor=user, action="auth.two_factor_enrol", obj=user)
    return codes


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
        detail={"method": "backup code" if isinstance(device, BackupCodeDevice) else "app"},
    )
    return True


@transaction.atomic
def backup_codes_regenerate(*, request, password: str, code: str) -> tuple[list[str], dict]:
    """A new set of backup codes for the signed-in person, who gives their
    password and a code from their app again (a session alone is not enough).
    Returns (codes, {}) or ([], {field: message}); a wrong try counts towards
    the lockout."""
    user = request.user
    errors: dict[str, str] = {}
    if not user.check_password(password):
        errors["password"] = WRONG_PASSWORD
    app = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if app is None or not app.verify_token(code):
        errors["code"] = "Enter the current code from your authenticator app"
    if errors:
        audit_record(actor=user, action="auth.backup_codes_regenerate", outcome=Outcome.FAILURE)
        second_factor_failed(request, user)
        return [], errors
    codes = _new_backup_codes(user)
    audit_record(actor=user, action="auth.backup_codes_regenerate", obj=user)
    return codes, {}


@transaction.atomic
def two_factor_reset(*, actor, user) -> None:
    """An administrator removes a person's app and backup codes (a lost phone):
    at their next sign-in they set up an app again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()
    BackupCode.objects.filter(user=user).delete()
    audit_record(actor=actor, action="auth.two_factor_reset", obj=user)
