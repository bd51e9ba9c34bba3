"""Writes: recording the sweep's findings, delivering email exactly once,
digests, reading, preferences. Emails leave only through a claim: a conditional
UPDATE that exactly one worker can win."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.access import access_for
from accounts.models import Role, User
from audit.services import audit_record
from notifications import emails, outbox, send_gate, sweep
from notifications.models import (
    AccountEmail,
    DeliveryFailure,
    Digest,
    DigestKind,
    EmailMode,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    SweepRun,
)

logger = logging.getLogger(__name__)

DELIVER_TASK = "notifications.deliver_notification_email"
DELIVER_BATCH_TASK = "notifications.deliver_notification_emails"
EMAIL_BATCH = 100
DAILY_DIGEST_TASK = "notifications.deliver_daily_digest"
WEEKLY_DIGEST_TASK = "notifications.deliver_weekly_digest"
TEST_EMAIL_TASK = "notifications.send_test_email"


class EmailNotSent(Exception):
    """The mail server refused or could not be reached; the claim was given back."""


# --- preferences -----------------------------------------------------------------


def email_modes(user_ids) -> dict[int, str]:
    """Each user's email mode (immediate when they never chose). One query."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "email_mode"
        )
    )
    return {user_id: chosen.get(user_id, EmailMode.IMMEDIATE) for user_id in user_ids}


def preference_for(user: User) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


@transaction.atomic
def preference_update(*, user: User, email_mode: str, weekly_digest: bool) -> None:
    preference = preference_for(user)
    preference.email_mode = email_mode
    preference.weekly_digest = weekly_digest
    preference.full_clean()
    preference.save()
    if email_mode == EmailMode.OFF:
        # Reminders already waiting for a digest will not be emailed either.
        Notification.objects.filter(recipient=user, email_status=EmailStatus.DIGEST).update(
            email_status=EmailStatus.SKIPPED
        )
    audit_record(
        actor=user,
        action="notifications.preferences_change",
        obj=preference,
        detail={"email_mode": email_mode, "weekly_digest": weekly_digest},
    )


@transaction.atomic
def test_email_request(*, user: User) -> None:
    """Send the user a test email, through the outbox like any broker work."""
    outbox.enqueue(TEST_EMAIL_TASK, user.pk)
    audit_record(actor=user, action="notifications.test_email", obj=user)


# --- the sweep -------------------------------------------------------------------


@dataclass
class SweepResult:
    run_on: dt.date
    findings: list[sweep.Finding]
    new: list[sweep.Finding] = field(default_factory=list)
    created: int = 0
    emails_queued: int = 0
    resolved: int = 0
    dry_run: bool = False


def _existing_keys(findings: list[sweep.Finding]) -> set[tuple]:
    if not findings:
        return set()
    rows = Notification.objects.filter(
        recipient_id__in={f.recipient_id for f in findings},
        kind__in={f.kind for f in findings},
        due_on__in={f.due_on for f in findings},
        object_id__in={f.object_id for f in findings},
    ).values_list("recipient_id", "kind", "object_type", "object_id", "due_on")
    return set(rows)


def _stale_ids(findings: list[sweep.Finding]) -> list[int]:
    """Open reminders whose work is no longer found: done, or replaced by a
    newer reminder (due became overdue). One query over the open reminders."""
    keys = {f.key for f in findings}
    rows = Notification.objects.filter(
        read_at__isnull=True, resolved_at__isnull=True, sweep_run__isnull=False
    ).values_list("pk", "recipient_id", "kind", "object_type", "object_id", "due_on")
    return [pk for pk, *key in rows if tuple(key) not in keys]


def _initial_status(mode: str) -> str:
    return {
        EmailMode.IMMEDIATE: EmailStatus.PENDING,
        EmailMode.DAILY: EmailStatus.DIGEST,
        EmailMode.OFF: EmailStatus.SKIPPED,
    }[mode]


def reminders_run(
    *, today: dt.date | None = None, dry_run: bool = False, trigger: str = "beat"
) -> SweepResult:
    """Find what is due and store one notification per (recipient, kind, record,
    due date). Safe to run twice or at the same time: the unique constraint drops
    a second copy, and only the rows this run inserted get an email queued."""
    today = today or timezone.localdate()
    findings = sweep.find_all(today)
    # Only a sweep of the real today may decide that work is no longer due.
    resolves = today == timezone.localdate()
    if dry_run:
        existing = _existing_keys(findings)
        new = [f for f in findings if f.key not in existing]
        stale = _stale_ids(findings) if resolves else []
        return SweepResult(
            run_on=today, findings=findings, new=new, resolved=len(stale), dry_run=True
        )
    with transaction.atomic():
        run = SweepRun.objects.create(run_on=today, trigger=trigger, findings=len(findings))
        # Rows already stored are skipped here for speed; the unique constraint
        # (ON CONFLICT DO NOTHING) is what makes a concurrent run safe.
        existing = _existing_keys(findings)
        fresh = [f for f in findings if f.key not in existing]
        modes = email_modes({f.recipient_id for f in fresh})
        now = timezone.now()
        Notification.objects.bulk_create(
            (
                Notification(
                    recipient_id=f.recipient_id,
                    kind=f.kind,
                    learner_id=f.learner_id,
                    object_type=f.object_type,
                    object_id=f.object_id,
                    due_on=f.due_on,
                    summary=f.summary[: Notification._meta.get_field("summary").max_length],
                    created_at=now,
                    email_status=_initial_status(modes[f.recipient_id]),
                    sweep_run=run,
                )
                for f in fresh
            ),
            batch_size=1000,
            ignore_conflicts=True,
        )
        mine = Notification.objects.filter(sweep_run=run)
        created_keys = set(
            mine.values_list("recipient_id", "kind", "object_type", "object_id", "due_on")
        )
        to_email = list(
            mine.filter(email_status=EmailStatus.PENDING)
            .order_by("recipient_id", "pk")
            .values_list("pk", flat=True)
        )
        outbox.enqueue_many(
            DELIVER_BATCH_TASK,
            [[to_email[i : i + EMAIL_BATCH]] for i in range(0, len(to_email), EMAIL_BATCH)],
        )
        stale = _stale_ids(findings) if resolves else []
        Notification.objects.filter(pk__in=stale, resolved_at__isnull=True).update(resolved_at=now)
        run.created = len(created_keys)
        run.finished_at = timezone.now()
        run.save(update_fields=["created", "finished_at"])
    new = [f for f in findings if f.key in created_keys]
    logger.info(
        "Reminder sweep for %s: %d findings, %d new, %d emails queued",
        today,
        len(findings),
        len(new),
        len(to_email),
    )
    return SweepResult(
        run_on=today,
        findings=findings,
        new=new,
        created=len(new),
        emails_queued=len(to_email),
        resolved=len(stale),
    )


# --- delivering one notification ----------------------------------------------------


def notification_email_deliver(notification_id: int) -> str:
    """Send one notification's email unless it went already. Returns what happened.

    Through the claim (`_send_once`): of two workers, or a task delivered twice,
    only one sends; at most one email, never two."""
    notification = (
        Notification.objects.select_related("recipient", "learner")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.email_status != EmailStatus.PENDING:
        return "nothing to do"
    recipient = notification.recipient
    mode = email_modes([recipient.pk])[recipient.pk]
    waiting = Notification.objects.filter(
        pk=notification_id, email_status=EmailStatus.PENDING, emailed_at__isnull=True
    )
    if not recipient.is_active or mode == EmailMode.OFF:
        waiting.update(email_status=EmailStatus.SKIPPED)
        return "skipped"
    if not send_gate.may_see(recipient, notification.learner_id):
        with transaction.atomic():
            if waiting.update(email_status=EmailStatus.WITHHELD):
                send_gate.record_withheld(
                    recipient_id=recipient.pk,
                    channel="email",
                    items=[(notification.pk, notification.learner_id)],
                )
        return "withheld"
    if mode == EmailMode.DAILY:
        waiting.update(email_status=EmailStatus.DIGEST)
        return "left for the digest"
    return _send_once(Notification, notification_id, lambda: emails.send_notification(notification))


def _send_once(model, pk: int, send: Callable[[], None]) -> str:
    """The claim, for a Notification or an AccountEmail row still pending: one
    conditional UPDATE (emailed_at from NULL to now, pending -> sending) that only
    one worker wins, then `send()`. A mail-server error gives the claim back and
    raises EmailNotSent (the task retries); a worker that dies between the claim
    and the send leaves the row 'sending', never sent again."""
    claimed_at = timezone.now()
    claimed = model.objects.filter(
        pk=pk, email_status=EmailStatus.PENDING, emailed_at__isnull=True
    ).update(
        emailed_at=claimed_at,
        email_status=EmailStatus.SENDING,
        email_attempts=F("email_attempts") + 1,
    )
    if not claimed:
        return "claimed elsewhere"
    mine = model.objects.filter(pk=pk, emailed_at=claimed_at)
    try:
        send()
    except emails.MAIL_ERRORS as exc:
        mine.update(emailed_at=None, email_status=EmailStatus.PENDING)
        raise EmailNotSent(str(exc)) from exc
    mine.update(email_status=EmailStatus.SENT)
    return "sent"


def notification_email_failed(notification_id: int, error: str) -> None:
    """Every retry failed: mark the notification and record a failure for administrators."""
    with transaction.atomic():
        notification = Notification.objects.filter(pk=notification_id).first()
        if notification is None:
            return
        Notification.objects.filter(pk=notification_id).update(email_status=EmailStatus.FAILED)
        DeliveryFailure.objects.bulk_create(
            [
                DeliveryFailure(
                    notification=notification,
                    recipient_id=notification.recipient_id,
                    attempts=notification.email_attempts,
                    error=error[:2000],
                )
            ],
            ignore_conflicts=True,
        )
    logger.error("Reminder email %s failed after every retry: %s", notification_id, error)


# --- account emails (an invitation): at most once, like a notification -------------


def account_email_create(*, recipient: User, purpose: str) -> AccountEmail:
    """Record an account email in the caller's transaction. The caller then queues
    its delivery task with the row's id through the outbox (`delay_on_commit`)."""
    return AccountEmail.objects.create(recipient=recipient, purpose=purpose)


def account_email_deliver(email_id: int, *, build: Callable[[User], EmailMessage | None]) -> str:
    """Send one account email unless it went already; returns what happened.
    `build(recipient)` renders it (None: nothing to send any more, such as an
    invitation whose person has set a password). Through the same claim as a
    notification (`_send_once`)."""
    email = AccountEmail.objects.select_related("recipient").filter(pk=email_id).first()
    if email is None or email.email_status != EmailStatus.PENDING:
        return "nothing to do"
    waiting = AccountEmail.objects.filter(
        pk=email_id, email_status=EmailStatus.PENDING, emailed_at__isnull=True
    )
    message = build(email.recipient) if email.recipient.is_active else None
    if message is None:
        waiting.update(email_status=EmailStatus.SKIPPED)
        return "skipped"
    return _send_once(AccountEmail, email_id, lambda: message.send(fail_silently=False))


def account_email_failed(email_id: int, error: str) -> None:
    """Every retry failed: the row says so, for an administrator to send again."""
    AccountEmail.objects.filter(pk=email_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.FAILED, error=error[:2000]
    )
    logger.error("Account email %s failed after every retry: %s", email_id, error)


# --- no silent loss ------------------------------------------------------------------

# A claim ("sending") older than this belongs to a worker that died between the
# claim and the send: the send itself is bounded by EMAIL_TIMEOUT (10 s), a task
# by CELERY_TASK_TIME_LIMIT.
SENDING_BOUND = dt.timedelta(minutes=15)
# A "pending" email older than this lost its task (a batch stopped by the time
# limit): it is queued again, until it has had as many attempts as the retries.
PENDING_BOUND = dt.timedelta(hours=1)
STUCK_SENDING_ERROR = (
    "The worker stopped between claiming this email and confirming it was sent. "
    "It may not have arrived; it is not sent again automatically."
)


def stuck_emails_reconcile(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Settle emails a dead worker left behind, so none stays in limbo:

    * a notification or digest "sending" past SENDING_BOUND becomes failed with a
      delivery failure an administrator sees (at most once: it may have gone, so
      it is not sent twice);
    * a notification "pending" past PENDING_BOUND is queued again (the claim
      makes that safe), or marked failed once it has used its attempts.
    """
    from notifications.tasks import MAX_RETRIES

    now = now or timezone.now()
    with transaction.atomic():
        stuck = list(
            Notification.objects.select_for_update(skip_locked=True).filter(
                email_status=EmailStatus.SENDING, emailed_at__lt=now - SENDING_BOUND
            )
        )
        Notification.objects.filter(pk__in=[n.pk for n in stuck]).update(
            email_status=EmailStatus.FAILED
        )
        stuck_digests = list(
            Digest.objects.select_for_update(skip_locked=True).filter(
                email_status=EmailStatus.SENDING, emailed_at__lt=now - SENDING_BOUND
            )
        )
        Digest.objects.filter(pk__in=[d.pk for d in stuck_digests]).update(
            email_status=EmailStatus.FAILED
        )
        DeliveryFailure.objects.bulk_create(
            [
                DeliveryFailure(
                    notification=n,
                    recipient_id=n.recipient_id,
                    attempts=n.email_attempts,
                    error=STUCK_SENDING_ERROR,
                )
                for n in stuck
            ]
            + [
                DeliveryFailure(
                    digest=d,
                    recipient_id=d.recipient_id,
                    attempts=d.email_attempts,
                    error=STUCK_SENDING_ERROR,
                )
                for d in stuck_digests
            ],
            ignore_conflicts=True,
        )
        cutoff = now - PENDING_BOUND
        lost = Notification.objects.select_for_update(skip_locked=True).filter(
            Q(email_requeued_at__lt=cutoff)
            | Q(email_requeued_at__isnull=True, created_at__lt=cutoff),
            email_status=EmailStatus.PENDING,
            emailed_at__isnull=True,
        )
        exhausted = list(lost.filter(email_attempts__gt=MAX_RETRIES))
        Notification.objects.filter(pk__in=[n.pk for n in exhausted]).update(
            email_status=EmailStatus.FAILED
        )
        DeliveryFailure.objects.bulk_create(
            [
                DeliveryFailure(
                    notification=n,
                    recipient_id=n.recipient_id,
                    attempts=n.email_attempts,
                    error="Every attempt to send this email failed.",
                )
                for n in exhausted
            ],
            ignore_conflicts=True,
        )
        again = list(
            lost.filter(email_attempts__lte=MAX_RETRIES)
            .exclude(pk__in=[n.pk for n in exhausted])
            .order_by("recipient_id", "pk")
            .values_list("pk", flat=True)
        )
        # Not queued again for another PENDING_BOUND.
        Notification.objects.filter(pk__in=again).update(email_requeued_at=now)
        outbox.enqueue_many(
            DELIVER_BATCH_TASK,
            [[again[i : i + EMAIL_BATCH]] for i in range(0, len(again), EMAIL_BATCH)],
        )
    counts = {
        "failed_stuck": len(stuck) + len(stuck_digests),
        "failed_exhausted": len(exhausted),
        "requeued": len(again),
    }
    if any(counts.values()):
        logger.error(
            "Reconciled emails a stopped worker left: %(failed_stuck)d stuck while sending "
            "(now failed), %(failed_exhausted)d out of attempts, %(requeued)d queued again",
            counts,
        )
    return counts


# --- digests -----------------------------------------------------------------------


def daily_digest_recipients() -> list[int]:
    return list(
        Notification.objects.filter(email_status=EmailStatus.DIGEST, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def weekly_digest_recipients() -> list[int]:
    """Active regional managers who have not turned the weekly digest off."""
    return list(
        User.objects.filter(role=Role.REGIONAL_MANAGER, is_active=True)
        .exclude(notification_preference__weekly_digest=False)
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def _claim_digest(user_id: int, kind: str, period_start: dt.date) -> tuple[Digest, bool]:
    digest, _ = Digest.objects.get_or_create(
        recipient_id=user_id, kind=kind, period_start=period_start
    )
    claimed = Digest.objects.filter(
        pk=digest.pk, emailed_at__isnull=True, email_status=EmailStatus.PENDING
    ).update(
        emailed_at=timezone.now(),
        email_status=EmailStatus.SENDING,
        email_attempts=F("email_attempts") + 1,
    )
    digest.refresh_from_db()
    return digest, bool(claimed)


def _release_digest(digest: Digest) -> None:
    Digest.objects.filter(pk=digest.pk, emailed_at=digest.emailed_at).update(
        emailed_at=None, email_status=EmailStatus.PENDING
    )


def daily_digest_deliver(user_id: int, period_start: dt.date) -> str:
    """One email with every reminder waiting for this user's daily digest."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return "nothing to do"
    digest, claimed = _claim_digest(user_id, DigestKind.DAILY, period_start)
    if not claimed:
        return "claimed elsewhere"
    Notification.objects.filter(
        recipient_id=user_id, email_status=EmailStatus.DIGEST, digest__isnull=True
    ).update(digest=digest)
    items = list(digest.notifications.select_related("learner").order_by("due_on", "pk"))
    items = digest_lines(_withhold_unseen(user, items))
    items.sort(key=lambda item: (item.due_on, item.pk))
    if not items or not user.is_active:
        Digest.objects.filter(pk=digest.pk).update(email_status=EmailStatus.SKIPPED)
        return "nothing to send"
    try:
        emails.send_daily_digest(user, items, period_start)
    except emails.MAIL_ERRORS as exc:
        _release_digest(digest)
        raise EmailNotSent(str(exc)) from exc
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk).update(email_status=EmailStatus.SENT)
        digest.notifications.update(email_status=EmailStatus.IN_DIGEST, emailed_at=timezone.now())
    return "sent"


def _withhold_unseen(user: User, items: list[Notification]) -> list[Notification]:
    """The digest's items the user may see now; the others are marked withheld
    (and recorded), so they leave the digest and are never emailed."""
    visible = send_gate.visible_learner_ids(user, [item.learner_id for item in items])
    unseen = [
        item for item in items if item.learner_id is not None and item.learner_id not in visible
    ]
    if unseen:
        with transaction.atomic():
            Notification.objects.filter(pk__in=[item.pk for item in unseen]).update(
                email_status=EmailStatus.WITHHELD, digest=None
            )
            send_gate.record_withheld(
                recipient_id=user.pk,
                channel="digest",
                items=[(item.pk, item.learner_id) for item in unseen],
            )
    return [item for item in items if item not in unseen]


# One digest line per piece of work: the reminders about the same record on the same
# topic are one item, shown by the most urgent kind (first in each tuple).
DIGEST_TOPICS: tuple[tuple[str, ...], ...] = (
    (
        NotificationKind.REVIEW_ESCALATED,
        NotificationKind.REVIEW_OVERDUE,
        NotificationKind.REVIEW_DUE,
    ),
    (NotificationKind.INTERVENTION_OVERDUE, NotificationKind.INTERVENTION_DUE),
)
_TOPIC_RANK = {kind: (topic[0], rank) for topic in DIGEST_TOPICS for rank, kind in enumerate(topic)}


def digest_lines(items: list) -> list:
    """Each item once: of several reminders (notifications or sweep findings) about
    the same record and topic, keep the most urgent (an overdue review is listed as
    "a week or more overdue" only, not also as "overdue")."""
    chosen: dict[tuple, tuple[int, object]] = {}
    for item in items:
        topic, rank = _TOPIC_RANK.get(item.kind, (item.kind, 0))
        key = (topic, item.object_type, item.object_id)
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, item)
    return [item for _rank, item in chosen.values()]


def weekly_digest_items(user: User, today: dt.date) -> list[sweep.Finding]:
    """The due and overdue work at the regional manager's prisons, one line per
    piece of work (whoever it is for), about learners they may see now."""
    access = access_for(user)
    if not access.prison_ids and not access.all_prisons:
        return []
    findings = sweep.find_all(today, None if access.all_prisons else access.prison_ids)
    visible = send_gate.visible_learner_ids(user, {f.learner_id for f in findings})
    findings = [f for f in findings if f.learner_id is None or f.learner_id in visible]
    return sorted(digest_lines(findings), key=lambda f: (f.due_on, f.kind, f.summary))


def weekly_digest_deliver(user_id: int, period_start: dt.date) -> str:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "nothing to do"
    items = weekly_digest_items(user, timezone.localdate())
    digest, claimed = _claim_digest(user_id, DigestKind.WEEKLY, period_start)
    if not claimed:
        return "claimed elsewhere"
    try:
        emails.send_weekly_digest(user, items, period_start)
    except emails.MAIL_ERRORS as exc:
        _release_digest(digest)
        raise EmailNotSent(str(exc)) from exc
    Digest.objects.filter(pk=digest.pk).update(email_status=EmailStatus.SENT)
    return "sent"


def digest_failed(user_id: int, kind: str, period_start: dt.date, error: str) -> None:
    digest = Digest.objects.filter(
        recipient_id=user_id, kind=kind, period_start=period_start
    ).first()
    if digest is None:
        return
    Digest.objects.filter(pk=digest.pk).update(email_status=EmailStatus.FAILED)
    DeliveryFailure.objects.bulk_create(
        [
            DeliveryFailure(
                digest=digest,
                recipient_id=user_id,
                attempts=digest.email_attempts,
                error=error[:2000],
            )
        ],
        ignore_conflicts=True,
    )
    logger.error("%s for user %s failed after every retry: %s", kind, user_id, error)


# --- reading -------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user: User, visible: Q) -> int:
    return Notification.objects.filter(
        visible, recipient=user, read_at__isnull=True, resolved_at__isnull=True
    ).update(read_at=timezone.now())
