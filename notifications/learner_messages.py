"""Messages to released learners (issue 18): the invitation to say how they are
doing at a follow-up, carrying their single-use link.

How a message travels is a backend named by LEARNER_MESSAGE_BACKEND: a class with
a `channel` name and `send(message)`. `EmailLearnerBackend` sends through Django's
email (so the same SMTP settings as staff reminders); an SMS backend would read
`message.text` and a phone number, and be added beside it without touching the
sweep or the links.

The message holds no personal data beyond the address it goes to: no name, no
prison, no dates. The learner confirms their date of birth before the page shows
anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import import_string

from notifications.emails import site_url


@dataclass(frozen=True)
class LearnerMessage:
    to: str
    subject: str
    text: str
    html: str


class LearnerMessageBackend(Protocol):
    channel: str

    def send(self, message: LearnerMessage) -> None:
        """Send or raise; a raised mail error is retried by the task."""


class EmailLearnerBackend:
    channel = "email"

    def send(self, message: LearnerMessage) -> None:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
        )
        email.attach_alternative(message.html, "text/html")
        email.send(fail_silently=False)


def backend() -> LearnerMessageBackend:
    return import_string(settings.LEARNER_MESSAGE_BACKEND)()


def link_url(token: str) -> str:
    return site_url() + reverse("own:start", kwargs={"token": token})


TEMPLATES = {"self_report": "learner_invitation", "progress": "learner_progress_link"}


def invitation_message(
    *, to: str, token: str, months: int | None, days: int, purpose: str = "self_report"
) -> LearnerMessage:
    """The message carrying a link: an invitation to say how they are doing, or
    (after their answers were confirmed) a link to their own progress."""
    template = TEMPLATES[purpose]
    context = {"url": link_url(token), "months": months, "days": days}
    subject = " ".join(
        render_to_string(f"notifications/email/{template}_subject.txt", context).split()
    )
    return LearnerMessage(
        to=to,
        subject=subject,
        text=render_to_string(f"notifications/email/{template}.txt", context),
        html=render_to_string(f"notifications/email/{template}.html", context),
    )
