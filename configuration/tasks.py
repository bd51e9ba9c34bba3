"""Background jobs for the configuration pages: take ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from configuration.durations import duration_words
from notifications.services import EmailNotSent, account_email_deliver, account_email_failed
from notifications.tasks import MAX_RETRIES, backoff


def invitation_message(user: User) -> EmailMultiAlternatives | None:
    """The set-password email, made at send time (the link is fresh). None once
    they have set a password: there is nothing to invite them to."""
    if user.has_usable_password():
        return None
    context = {
        "user": user,
        "site_url": settings.SITE_URL.rstrip("/"),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "expires_after": duration_words(settings.PASSWORD_RESET_TIMEOUT),
    }
    subject = render_to_string("configuration/email/invitation_subject.txt", context).strip()
    body = render_to_string("configuration/email/invitation.txt", context)
    html = render_to_string("configuration/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject, body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


@shared_task(name="configuration.staff_invitation_send", bind=True, max_retries=MAX_RETRIES)
def staff_invitation_send(self, email_id: int) -> str:
    """Email a new member of staff the link to set their password: one
    notifications.AccountEmail row, sent at most once through its claim. Nothing is
    sent once they have set a password, or when they were deactivated meanwhile.
    A mail-server error is retried with backoff; after the last retry the row is
    marked failed."""
    try:
        return account_email_deliver(email_id, build=invitation_message)
    except EmailNotSent as exc:
        if self.request.retries >= self.max_retries:
            account_email_failed(email_id, str(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
