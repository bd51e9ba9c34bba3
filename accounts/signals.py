"""Sign-in, sign-in failure and sign-out go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Outcome
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="auth.sign_in", obj=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    typed = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_record(actor=None, action="auth.sign_in", outcome=Outcome.FAILURE, actor_label=typed)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.sign_out", obj=user)
