"""What the notifications app does when it hears a journey event (learners.events).
Registered in NotificationsConfig.ready(); each runs in the publisher's transaction."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from accounts.access import ROLES_SEEING_EVERY_PRISON
from learners import events
from notifications import outbox
from notifications.models import EmailStatus, Notification, NotificationKind
from resettlement import self_reports

REVIEW_KINDS = (
    NotificationKind.REVIEW_DUE,
    NotificationKind.REVIEW_OVERDUE,
    NotificationKind.REVIEW_ESCALATED,
)
NOT_YET_EMAILED = (EmailStatus.PENDING, EmailStatus.DIGEST)


def _withdraw(notifications) -> int:
    """Take reminders out of the unread list, and out of any email not yet sent."""
    now = timezone.now()
    notifications.filter(email_status__in=NOT_YET_EMAILED).update(email_status=EmailStatus.SKIPPED)
    return notifications.filter(resolved_at__isnull=True).update(resolved_at=now)


def notifications_withdraw_on_transfer(event: events.LearnerTransferred) -> None:
    """Reminders about the learner made for people who do not cover the new prison
    are withdrawn: they may no longer see the learner, so must not read about them."""
    lost_access = (
        Notification.objects.filter(learner_id=event.learner_id)
        .exclude(recipient__prisons=event.to_prison_id)
        .exclude(recipient__role__in=ROLES_SEEING_EVERY_PRISON)
    )
    _withdraw(lost_access.filter(Q(resolved_at__isnull=True) | Q(email_status__in=NOT_YET_EMAILED)))


def review_reminders_resolve_on_schedule_change(event: events.ReviewScheduleChanged) -> None:
    """The next review moved or stopped (a new release date, a graduation, a review
    held): open reminders for the old date are resolved at once, not at the next sweep."""
    stale = Notification.objects.filter(
        learner_id=event.learner_id, kind__in=REVIEW_KINDS, resolved_at__isnull=True
    )
    if event.new is not None:
        stale = stale.exclude(due_on=event.new)
    _withdraw(stale)


def progress_link_send_on_self_report_confirmed(event: events.SelfReportConfirmed) -> None:
    """The learner's answers were confirmed: send them a follow-on link to their
    own progress page (when they may still be contacted)."""
    from notifications.tasks import LEARNER_INVITATION_TASK

    link_id = self_reports.progress_link_create(
        learner_id=event.learner_id, follow_up_id=event.follow_up_id
    )
    if link_id is not None:
        outbox.enqueue(LEARNER_INVITATION_TASK, link_id)


INTERVENTION_KINDS = (NotificationKind.INTERVENTION_DUE, NotificationKind.INTERVENTION_OVERDUE)


def reminders_follow_regional_manager_change(event: events.RegionalManagerChanged) -> None:
    """The former regional manager's reminders about the learner (intake, escalated
    review, release plan, follow-ups) are withdrawn at once and never emailed; the
    next sweep makes them for the new one. Intervention reminders follow the
    intervention's owner, so they stay."""
    if event.from_manager_id is None:
        return
    former = Notification.objects.filter(
        learner_id=event.learner_id, recipient_id=event.from_manager_id
    ).exclude(kind__in=INTERVENTION_KINDS)
    _withdraw(former.filter(Q(resolved_at__isnull=True) | Q(email_status__in=NOT_YET_EMAILED)))


def reminders_withdraw_on_tutor_hand_on(event: events.TutorHandedOn) -> None:
    """The departing tutor's reminders about the learner (reviews, and the
    interventions handed on with them) are withdrawn at once and never emailed;
    the next sweep makes them for the receiving tutor."""
    former = Notification.objects.filter(
        learner_id=event.learner_id, recipient_id=event.from_tutor_id
    )
    _withdraw(former.filter(Q(resolved_at__isnull=True) | Q(email_status__in=NOT_YET_EMAILED)))


def register() -> None:
    events.subscribe(events.SelfReportConfirmed, progress_link_send_on_self_report_confirmed)
    events.subscribe(events.LearnerTransferred, notifications_withdraw_on_transfer)
    events.subscribe(events.ReviewScheduleChanged, review_reminders_resolve_on_schedule_change)
    events.subscribe(events.RegionalManagerChanged, reminders_follow_regional_manager_change)
    events.subscribe(events.TutorHandedOn, reminders_withdraw_on_tutor_hand_on)
