"""The send-time access check: a reminder about a learner reaches only someone who
may see that learner at the moment it is sent (an email, a digest line) or shown
(the in-app list). The rule is the learners' own gate (`learner_list_for_user`
with the identity capability: the user's prisons, and for OMU staff the sharing
consent), asked again at send time, so a transfer, a withdrawn consent or a
change of the user's prisons after the sweep is honoured. What it stops is
marked *withheld* on the row and recorded in the audit trail."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.access import Capability
from audit.services import audit_record
from learners.selectors import learner_list_for_user

logger = logging.getLogger(__name__)


def visible_learner_ids(user, learner_ids: Iterable[int | None]) -> set[int]:
    """Which of `learner_ids` the user may see right now. One query."""
    wanted = {pk for pk in learner_ids if pk is not None}
    if not wanted or user is None or not user.is_active:
        return set()
    try:
        learners = learner_list_for_user(user, capability=Capability.VIEW_LEARNER_IDENTITY)
    except PermissionDenied:
        return set()
    return set(learners.filter(pk__in=wanted).values_list("pk", flat=True))


def may_see(user, learner_id: int | None) -> bool:
    """Whether a reminder about `learner_id` (None: about no learner) may reach `user`."""
    return learner_id is None or learner_id in visible_learner_ids(user, [learner_id])


def visible_q(user) -> Q:
    """A filter on Notification for the in-app list: about no learner, or about a
    learner the user may see now."""
    try:
        learners = learner_list_for_user(user, capability=Capability.VIEW_LEARNER_IDENTITY)
    except PermissionDenied:
        return Q(learner__isnull=True)
    return Q(learner__isnull=True) | Q(learner__in=learners.values("pk"))


def record_withheld(
    *, recipient_id: int, channel: str, items: list[tuple[int, int | None]]
) -> None:
    """One audit event per withheld reminder (`items`: notification id, learner id):
    the trail shows who was not told what, and why."""
    for notification_id, learner_id in items:
        audit_record(
            actor=None,
            actor_label="reminder delivery",
            action="notifications.withheld",
            learner_id=learner_id,
            detail={
                "notification": notification_id,
                "recipient": recipient_id,
                "channel": channel,
                "reason": "recipient may not see this learner",
            },
        )
    if items:
        logger.info(
            "Withheld %d %s reminder(s) for user %s: they may not see the learner",
            len(items),
            channel,
            recipient_id,
        )
