"""Background jobs for staff accounts: safe to run twice. Both go through the
outbox (`delay_on_commit`), so the request that asks for them never waits."""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User

RESET_TEMPLATES = {
    "subject_template_name": "accounts/email/password_reset_subject.txt",
    "email_template_name": "accounts/email/password_reset.txt",
    "html_email_template_name": "accounts/email/password_reset.html",
}


def site_parts() -> tuple[str, str]:
    """The protocol and host (with any port) of SITE_URL, never the request's Host."""
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme or "https", parts.netloc


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def password_reset_email_send(email: str) -> int:
    """Email a reset link to each active account at the address typed; none for an
    unknown address. Takes the address, not an id, because the page that asked
    must not look the account up (see accounts.password_reset)."""
    from accounts.forms import StaffPasswordResetForm

    protocol, domain = site_parts()
    sent = 0
    for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
        if not user.has_usable_password():
            continue
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": "Learner Journey",
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": protocol,
        }
        StaffPasswordResetForm().send_mail(
            context=context, from_email=None, to_email=user.email, **RESET_TEMPLATES
        )
        sent += 1
    return sent


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def password_changed_email_send(user_id: int, changed_at: str) -> bool:
    """Tell the person their password was changed, so a change they did not make
    does not go unnoticed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    protocol, domain = site_parts()
    context = {
        "user": user,
        "changed_at": changed_at,
        "reset_url": f"{protocol}://{domain}{reverse('accounts:password_reset')}",
    }
    subject = "Your Learner Journey password was changed"
    message = EmailMultiAlternatives(
        subject,
        render_to_string("accounts/email/password_changed.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/password_changed.html", context), "text/html"
    )
    message.send()
    return True


def password_changed_email_queue(user) -> None:
    """Queue the email after the change commits."""
    when = timezone.localtime().strftime("%-d %B %Y at %H:%M")
    password_changed_email_send.delay_on_commit(user.pk, when)
