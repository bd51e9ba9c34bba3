"""Password reset requests: rate-limited, and the same work whatever was typed.

The page never looks the address up. Every accepted request writes one
`PasswordResetRequest` row and one outbox row for `password_reset_email_send`
with the typed address; the worker finds the account (if any) and sends the
link, built from SITE_URL. So a known and an unknown address take the same
queries and the same time, and give the same answer.

Limits (settings): PASSWORD_RESET_LIMIT_PER_ACCOUNT requests for one address
typed, and PASSWORD_RESET_LIMIT_PER_ADDRESS requests from one client address,
in any hour. A refused request says how long to wait, and says the same for
known and unknown addresses.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import PasswordResetRequest

RESET_EMAIL_TASK = "accounts.tasks.password_reset_email_send"
WINDOW = timedelta(hours=1)


def _digest(kind: str, value: str) -> str:
    return salted_hmac(f"accounts.password_reset.{kind}", value, algorithm="sha256").hexdigest()


def _wait(times: list, limit: int, now) -> timedelta | None:
    """How long until the oldest request that counts against the limit leaves the window."""
    if len(times) < limit:
        return None
    return times[-limit] + WINDOW - now


def wait_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"You have asked for too many reset links. Wait {minutes} {unit}, then try again, "
        "or ask an administrator to help"
    )


@transaction.atomic
def password_reset_request(*, email: str, address: str) -> timedelta | None:
    """Queue a reset email for the address typed, or return how long to wait."""
    from accounts.tasks import password_reset_email_send

    now = timezone.now()
    account = _digest("account", email.strip().lower())
    client = _digest("address", address or "unknown")
    PasswordResetRequest.objects.filter(requested_at__lt=now - WINDOW).delete()
    recent = PasswordResetRequest.objects.filter(requested_at__gte=now - WINDOW).order_by(
        "requested_at"
    )
    by_account = list(recent.filter(account_digest=account).values_list("requested_at", flat=True))
    by_address = list(recent.filter(address_digest=client).values_list("requested_at", flat=True))
    waits = [
        wait
        for wait in (
            _wait(by_account, settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT, now),
            _wait(by_address, settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, now),
        )
        if wait is not None
    ]
    if waits:
        return max(waits)
    PasswordResetRequest.objects.create(
        account_digest=account, address_digest=client, requested_at=now
    )
    password_reset_email_send.delay_on_commit(email.strip().lower())
    return None
