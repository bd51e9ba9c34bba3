"""Sign-in, sign-in failure and sign-out go to the audit trail."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.lockout import SECOND_FACTOR
from accounts.middleware import SIGNED_IN_AT
from audit.models import Outcome
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        # The 12-hour absolute session lifetime counts from here.
        request.session[SIGNED_IN_AT] = int(time.time())
    audit_record(actor=user, action="auth.sign_in", obj=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    if credentials.get(SECOND_FACTOR):
        return  # a wrong security code: audited as auth.two_factor by the service
    typed = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_record(actor=None, action="auth.sign_in", outcome=Outcome.FAILURE, actor_label=typed)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.sign_out", obj=user)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit_record(
        actor=None,
        action="auth.locked_out",
        outcome=Outcome.DENIED,
        actor_label=str(username or "")[:254],
    )
