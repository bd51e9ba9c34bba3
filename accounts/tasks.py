"""Background jobs for staff accounts: take ids, are safe to run twice."""

from celery import shared_task
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User

RESET_TEMPLATES = {
    "subject_template_name": "accounts/email/password_reset_subject.txt",
    "email_template_name": "accounts/email/password_reset.txt",
    "html_email_template_name": "accounts/email/password_reset.html",
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def password_reset_email_send(user_id: int, domain: str, use_https: bool) -> bool:
    """Email a password reset link. Run outside the request, so the page answers in
    the same time whether or not the address belongs to an account."""
    from accounts.forms import StaffPasswordResetForm

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": "Learner Journey",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    StaffPasswordResetForm().send_mail(
        context=context, from_email=None, to_email=user.email, **RESET_TEMPLATES
    )
    return True
