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


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def staff_invitation_send(user_id: int) -> bool:
    """Email a new member of staff the link to set their password. Nothing is sent
    once they have set one, or when they were deactivated in the meantime."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
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
    message = EmailMultiAlternatives(subject, body, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
