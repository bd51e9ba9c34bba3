"""Two-factor helpers for tests, including browser tests that sign in through
the real pages: give a user an authenticator "app" and read its current code."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device_for(user) -> TOTPDevice:
    """The user's confirmed TOTP device, created if they have none (as if they
    had scanned the QR code), so sign-in asks for a code rather than enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return device


def totp_code_for(user, *, at: float | None = None, steps_ahead: int = 0) -> str:
    """The code the user's app would show now (or at `at`, a Unix time).

    A code is refused a second time, so a test that signs the same user in twice
    within 30 seconds passes `steps_ahead=1` the second time (the device accepts
    one step of clock drift)."""
    device = confirmed_device_for(user)
    now = time.time() if at is None else at
    generator = TOTP(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    generator.time = now
    return f"{generator.token():0{device.digits}d}"
