"""Reminder emails: a subject, a plain-text part and an HTML part, rendered from
templates/notifications/email/. They say what is due and link to the record;
they carry no restricted information (the summary is made from the kind, the
learner's name and prison number, and the due date only)."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from notifications.models import Notification, NotificationKind

# What a mail server (or the road to it) can throw; these are retried.
MAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, socket.error)

RECORD_PAGES: dict[str, tuple[str, ...]] = {
    NotificationKind.REVIEW_DUE: ("reviews:learner_reviews", "learners:detail"),
    NotificationKind.REVIEW_OVERDUE: ("reviews:learner_reviews", "learners:detail"),
    NotificationKind.REVIEW_ESCALATED: ("reviews:learner_reviews", "learners:detail"),
    NotificationKind.INTAKE_NOT_HELD: ("learners:intake", "learners:detail"),
    NotificationKind.INTERVENTION_DUE: ("reviews:learner_interventions", "learners:detail"),
    NotificationKind.INTERVENTION_OVERDUE: ("reviews:learner_interventions", "learners:detail"),
    NotificationKind.RELEASE_PLAN_INCOMPLETE: ("resettlement:plan", "learners:detail"),
    NotificationKind.FOLLOW_UP_DUE: ("resettlement:release_overview", "learners:detail"),
}


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://localhost:8000").rstrip("/")


def record_path(kind: str, learner_id: int | None) -> str:
    """The page of the record a reminder is about (the first that exists)."""
    if learner_id is not None:
        for name in RECORD_PAGES.get(kind, ("learners:detail",)):
            try:
                return reverse(name, kwargs={"pk": learner_id})
            except NoReverseMatch:
                continue
    return reverse("notifications:list")


def record_url(kind: str, learner_id: int | None) -> str:
    return site_url() + record_path(kind, learner_id)


def _message(user, template: str, context: dict) -> EmailMultiAlternatives:
    context = {
        **context,
        "user": user,
        "site_url": site_url(),
        "notifications_url": site_url() + reverse("notifications:list"),
        "preferences_url": site_url() + reverse("notifications:preferences"),
    }
    subject = " ".join(
        render_to_string(f"notifications/email/{template}_subject.txt", context).split()
    )
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _lines(items) -> list[dict]:
    """Digest lines from notifications or sweep findings (both have kind,
    summary, due_on and learner_id)."""
    labels = dict(NotificationKind.choices)
    return [
        {
            "kind": labels.get(item.kind, item.kind),
            "summary": item.summary,
            "due_on": item.due_on,
            "url": record_url(item.kind, item.learner_id),
        }
        for item in items
    ]


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    return _message(
        notification.recipient,
        "notification",
        {
            "kind": notification.get_kind_display(),
            "summary": notification.summary,
            "due_on": notification.due_on,
            "url": record_url(notification.kind, notification.learner_id),
        },
    )


def send_notification(notification: Notification) -> None:
    notification_message(notification).send(fail_silently=False)


def send_daily_digest(user, items: list[Notification], period_start: dt.date) -> None:
    _message(user, "daily_digest", {"items": _lines(items), "period_start": period_start}).send(
        fail_silently=False
    )


def send_weekly_digest(user, items, period_start: dt.date) -> None:
    _message(user, "weekly_digest", {"items": _lines(items), "period_start": period_start}).send(
        fail_silently=False
    )


def send_test(user) -> None:
    _message(user, "test", {}).send(fail_silently=False)
