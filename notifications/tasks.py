"""Celery tasks: ids in, a service call, nothing else. Each is safe to run twice.

Email tasks retry on mail-server errors with exponential backoff (30 s, 60 s,
120 s, ... at most 10 minutes: always inside the broker's visibility timeout),
then record a failure an administrator can see."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications import emails, learner_messages, outbox, services
from notifications.models import DigestKind
from resettlement import self_reports

MAX_RETRIES = 5
BACKOFF_FIRST = 30
BACKOFF_MAX = 10 * 60


def backoff(retries: int) -> int:
    return min(BACKOFF_FIRST * (2**retries), BACKOFF_MAX)


@shared_task(name="notifications.run_reminder_sweep")
def run_reminder_sweep() -> int:
    return services.reminders_run(trigger="beat").created


@shared_task(name="notifications.relay_outbox")
def relay_outbox() -> int:
    """Publish waiting broker work, and settle emails a dead worker left behind.
    Run by beat every minute, by each worker when it connects to the broker,
    and by a web process when the broker answers again after an outage."""
    services.stuck_emails_reconcile()
    return outbox.relay_pending()


@shared_task(name="notifications.deliver_notification_email", bind=True, max_retries=MAX_RETRIES)
def deliver_notification_email(self, notification_id: int) -> str:
    try:
        return services.notification_email_deliver(notification_id)
    except services.EmailNotSent as exc:
        if self.request.retries >= self.max_retries:
            services.notification_email_failed(notification_id, str(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(name="notifications.deliver_notification_emails", bind=True, max_retries=MAX_RETRIES)
def deliver_notification_emails(self, notification_ids: list[int]) -> int:
    """A batch from one sweep. When the mail server fails, the rest of the batch
    is retried together with backoff (not one timeout per email), and after the
    last retry each of them is recorded as failed."""
    sent = 0
    for position, notification_id in enumerate(notification_ids):
        try:
            sent += services.notification_email_deliver(notification_id) == "sent"
        except services.EmailNotSent as exc:
            remaining = notification_ids[position:]
            if self.request.retries >= self.max_retries:
                for failed_id in remaining:
                    services.notification_email_failed(failed_id, str(exc))
                return sent
            raise self.retry(
                exc=exc, args=[remaining], countdown=backoff(self.request.retries)
            ) from exc
    return sent


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    today = timezone.localdate().isoformat()
    recipients = services.daily_digest_recipients()
    for user_id in recipients:
        outbox.enqueue(services.DAILY_DIGEST_TASK, user_id, today)
    return len(recipients)


@shared_task(name="notifications.deliver_daily_digest", bind=True, max_retries=MAX_RETRIES)
def deliver_daily_digest(self, user_id: int, period_start: str) -> str:
    day = dt.date.fromisoformat(period_start)
    try:
        return services.daily_digest_deliver(user_id, day)
    except services.EmailNotSent as exc:
        if self.request.retries >= self.max_retries:
            services.digest_failed(user_id, DigestKind.DAILY, day, str(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(name="notifications.send_weekly_digests")
def send_weekly_digests() -> int:
    today = timezone.localdate()
    week_start = (today - dt.timedelta(days=today.weekday())).isoformat()
    recipients = services.weekly_digest_recipients()
    for user_id in recipients:
        outbox.enqueue(services.WEEKLY_DIGEST_TASK, user_id, week_start)
    return len(recipients)


@shared_task(name="notifications.deliver_weekly_digest", bind=True, max_retries=MAX_RETRIES)
def deliver_weekly_digest(self, user_id: int, period_start: str) -> str:
    day = dt.date.fromisoformat(period_start)
    try:
        return services.weekly_digest_deliver(user_id, day)
    except services.EmailNotSent as exc:
        if self.request.retries >= self.max_retries:
            services.digest_failed(user_id, DigestKind.WEEKLY, day, str(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(name="notifications.send_test_email", bind=True, max_retries=2)
def send_test_email(self, user_id: int) -> str:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "nothing to do"
    try:
        emails.send_test(user)
    except emails.MAIL_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    return "sent"


LEARNER_INVITATION_TASK = "notifications.deliver_learner_invitation"


@shared_task(name="notifications.send_self_report_invitations")
def send_self_report_invitations() -> int:
    """Daily: a link for each follow-up whose learner may be asked how they are
    doing (at most one per follow-up), each sent by its own task."""
    with transaction.atomic():
        link_ids = self_reports.self_report_invitations_create()
        outbox.enqueue_many(LEARNER_INVITATION_TASK, [[link_id] for link_id in link_ids])
    return len(link_ids)


@shared_task(name=LEARNER_INVITATION_TASK, bind=True, max_retries=MAX_RETRIES)
def deliver_learner_invitation(self, link_id: int) -> str:
    claimed = self_reports.link_claim(link_id=link_id)
    if claimed is None:
        return "nothing to do"
    sender = learner_messages.backend()
    message = learner_messages.invitation_message(
        to=claimed.to,
        token=claimed.token,
        months=claimed.months,
        days=self_reports.link_days(),
        purpose=claimed.purpose,
    )
    try:
        sender.send(message)
    except emails.MAIL_ERRORS as exc:
        self_reports.link_send_failed(link_id=link_id)
        if self.request.retries >= self.max_retries:
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    self_reports.link_sent(link_id=link_id, channel=sender.channel)
    return "sent"
