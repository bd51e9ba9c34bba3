"""Sign-in lockout, on django-axes (wired in settings: AXES_HANDLER and the
AXES_*_CALLABLE settings).

- Per account, from every address: AXES_FAILURE_LIMIT failures (wrong passwords
  and wrong security codes alike) within AXES_COOLOFF_TIME lock the account,
  whoever tries from wherever; the right password is refused until then.
- Per address, whatever the accounts: LOCKOUT_ADDRESS_FAILURE_LIMIT failures
  from one client address lock that address. The limit is higher because staff
  in one prison share an address.
- The count clears only when both factors are given (two_factor_signed_in), so
  someone who has the password cannot reset it between guesses at the code.
- The person is told how long to wait, the same for known and unknown accounts.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.utils import timezone

from accounts.forms import locked_out_message
from audit.client_address import client_address

SECOND_FACTOR = "second_factor"


def lockout_username(request, credentials) -> str:
    """The account being tried, normalised as sign-in normalises it, so "A@x" and
    "a@x " count against the same account."""
    typed = ""
    if credentials:
        typed = credentials.get("username") or credentials.get("email") or ""
    if not typed and request is not None:
        typed = request.POST.get("username", "")
    return str(typed).strip().lower()[:254]


def lockout_ip_address(request) -> str:
    """The address the audit trail records too (see audit.client_address)."""
    return client_address(request)


def _wait_until_below(rows: list[tuple], limit: int, now) -> timedelta | None:
    """Given (attempt_time, failures) rows in the window, oldest first: how long
    until enough of them leave the window for the total to drop below the limit."""
    total = sum(failures for _, failures in rows)
    if total < limit:
        return None
    cool_off = settings.AXES_COOLOFF_TIME
    for attempt_time, failures in rows:
        total -= failures
        if total < limit:
            return attempt_time + cool_off - now
    return cool_off


def lockout_wait(request, credentials=None) -> timedelta | None:
    """How long the account or address of this attempt stays locked, or None."""
    now = timezone.now()
    recent = AccessAttempt.objects.filter(
        attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    ).order_by("attempt_time")
    fields = ("attempt_time", "failures_since_start")
    waits = [
        _wait_until_below(
            list(
                recent.filter(username=lockout_username(request, credentials)).values_list(*fields)
            ),
            settings.AXES_FAILURE_LIMIT,
            now,
        ),
        _wait_until_below(
            list(recent.filter(ip_address=lockout_ip_address(request)).values_list(*fields)),
            settings.LOCKOUT_ADDRESS_FAILURE_LIMIT,
            now,
        ),
    ]
    waits = [wait for wait in waits if wait is not None and wait > timedelta(0)]
    return max(waits) if waits else None


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, also locking an address that fails too often."""

    def is_locked(self, request, credentials=None) -> bool:
        return (
            super().is_locked(request, credentials)
            or lockout_wait(request, credentials) is not None
        )


def second_factor_failed(request, user) -> None:
    """A wrong security code counts as a failed sign-in for the account."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.email, SECOND_FACTOR: True},
        request=request,
    )


def is_locked_out(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.email})


def clear_failures(user) -> None:
    """Both factors given: the person's failed attempts are forgotten."""
    AxesProxyHandler.reset_attempts(username=user.email.lower())


def lockout_response(request, credentials, *args, **kwargs):
    """The sign-in page again, with a plain message that says how long to wait and
    nothing about whether the account exists. 429 tells scripts to slow down."""
    from accounts.forms import SignInForm

    wait = lockout_wait(request, credentials) or settings.AXES_COOLOFF_TIME
    form = SignInForm(request, initial={"username": lockout_username(request, credentials)})
    context = {"form": form, "locked_out_message": locked_out_message(wait)}
    return render(request, "accounts/sign_in.html", context, status=429)
