"""Outcomes reported by learners themselves (issue 18): the links sent to released
learners, the date-of-birth check that opens them, and the answers they send.

- A link's token is 256 bits from `secrets`; only its SHA-256 is stored, and the
  token exists only in the message that carries it.
- A self-report link is created once per follow-up (a unique constraint) by the
  daily invitation sweep, claimed by the worker that sends it (a conditional
  UPDATE), and expires LEARNER_LINK_DAYS after it was sent.
- Nothing is shown before the date of birth matches. An unknown, expired, used
  or locked link and a wrong date of birth get the same answer; each failure is
  audited, counts against the link (LEARNER_LINK_FAILURES_PER_LINK, then it is
  locked) and against the client address (LEARNER_LINK_FAILURES_PER_ADDRESS in
  any hour, then every attempt from it is refused for a while).
- A link is used once: the self-report link when the answers are sent, the
  progress link when the date of birth matches.
- Answers wait as a `SelfReport`, "reported by the learner, to confirm"; they
  count in figures only once a regional manager records the follow-up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.actions import Action
from audit.services import audit_record
from learners.models import Consent, ConsentKind, Learner
from resettlement.models import (
    FollowUp,
    LearnerLink,
    LinkAttempt,
    LinkPurpose,
    OutcomeKind,
    SelfReport,
)

TOKEN_BYTES = 32  # 256 bits
WINDOW = dt.timedelta(hours=1)
# A worker that claimed a link and died leaves it for another after this long.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
# A follow-up due longer ago than this is not offered to the learner any more.
INVITE_WITHIN = dt.timedelta(days=30)
LINK_ACTOR = "learner (through their link)"

# What a learner may say they are doing, in their words. Returned to custody and
# lost contact are for staff to record.
LEARNER_KINDS: tuple[tuple[str, str], ...] = (
    (OutcomeKind.EMPLOYED_TECH, "Working in a tech job (including an apprenticeship)"),
    (OutcomeKind.EMPLOYED_OTHER, "Working in a job outside tech"),
    (OutcomeKind.SELF_EMPLOYED_TECH, "Running my own tech business or freelancing in tech"),
    (OutcomeKind.SELF_EMPLOYED_OTHER, "Running my own business outside tech"),
    (OutcomeKind.TRAINING, "On a training course or bootcamp"),
    (OutcomeKind.EDUCATION, "At college or university"),
    (OutcomeKind.VOLUNTEERING, "Volunteering"),
    (OutcomeKind.OTHER_PRIORITIES, "Focusing on other things first (housing, health, family)"),
    (OutcomeKind.NOT_IN_ACTIVITY, "None of these at the moment"),
)


def link_days() -> int:
    return int(getattr(settings, "LEARNER_LINK_DAYS", 30))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _address_digest(address: str) -> str:
    return salted_hmac(
        "resettlement.learner_link.address", address or "unknown", algorithm="sha256"
    ).hexdigest()


def has_contact_consent_q() -> Exists:
    return Exists(
        Consent.objects.filter(
            learner=OuterRef("learner"),
            kind=ConsentKind.CONTACT_AFTER_RELEASE,
            withdrawn_on__isnull=True,
        )
    )


# Sending


def invitable_follow_ups(today: dt.date):
    """Follow-ups whose learner should be asked now: due, not yet recorded, not
    older than INVITE_WITHIN, after a release with a contact email and no return
    to custody, with a standing consent to contact after release, never asked."""
    return (
        FollowUp.objects.filter(
            due_on__lte=today,
            due_on__gt=today - INVITE_WITHIN,
            confirmed_on__isnull=True,
            release__returned_to_custody_on__isnull=True,
            learner__anonymised_at__isnull=True,
        )
        .exclude(release__contact_email="")
        .filter(has_contact_consent_q())
        .exclude(Exists(LearnerLink.objects.filter(follow_up=OuterRef("pk"))))
    )


@transaction.atomic
def self_report_invitations_create(*, today: dt.date | None = None) -> list[int]:
    """Create the self-report link of every follow-up that needs one (at most one
    per follow-up, whatever runs at once) and return the ids of every link not
    yet sent, for the sender."""
    today = today or timezone.localdate()
    rows = [
        LearnerLink(learner_id=learner_id, follow_up_id=pk, purpose=LinkPurpose.SELF_REPORT)
        for pk, learner_id in invitable_follow_ups(today).values_list("pk", "learner_id")
    ]
    LearnerLink.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        LearnerLink.objects.filter(
            purpose=LinkPurpose.SELF_REPORT,
            sent_at__isnull=True,
            follow_up__confirmed_on__isnull=True,
            created_at__gte=timezone.now() - INVITE_WITHIN,
        ).values_list("pk", flat=True)
    )


def progress_link_create(*, learner_id: int, follow_up_id: int) -> int | None:
    """A follow-on link to the learner's own progress page, after their answers
    were confirmed: None when they may not be contacted (no standing consent, no
    contact email). One per confirmed follow-up."""
    follow_up = FollowUp.objects.select_related("release").get(pk=follow_up_id)
    consent = Consent.objects.filter(
        learner_id=learner_id,
        kind=ConsentKind.CONTACT_AFTER_RELEASE,
        withdrawn_on__isnull=True,
    ).exists()
    if not consent or not follow_up.release.contact_email:
        return None
    link, _created = LearnerLink.objects.get_or_create(
        learner_id=learner_id, follow_up=follow_up, purpose=LinkPurpose.PROGRESS
    )
    return link.pk if link.sent_at is None else None


@dataclass(frozen=True)
class ClaimedLink:
    link_id: int
    token: str
    to: str
    purpose: str
    months: int | None


def link_claim(*, link_id: int) -> ClaimedLink | None:
    """Claim an unsent link for this worker and give it a fresh token (the hash is
    stored, the token returned for the message). None when there is nothing to
    send: sent already, claimed by a live worker, the follow-up recorded, or the
    consent or the address gone."""
    now = timezone.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        claimed = (
            LearnerLink.objects.filter(pk=link_id, sent_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
            .update(claimed_at=now, token_hash=token_hash(token))
        )
        if not claimed:
            return None
        link = LearnerLink.objects.select_related("follow_up__release").get(pk=link_id)
        follow_up = link.follow_up
        consent = Consent.objects.filter(
            learner_id=link.learner_id,
            kind=ConsentKind.CONTACT_AFTER_RELEASE,
            withdrawn_on__isnull=True,
        ).exists()
        to = follow_up.release.contact_email if follow_up else ""
        answered = link.purpose == LinkPurpose.SELF_REPORT and follow_up.confirmed_on is not None
        if (
            not consent
            or not to
            or answered
            or (follow_up is not None and follow_up.release.returned_to_custody_on is not None)
        ):
            # Nothing to send now: the claim is let go and the token forgotten.
            LearnerLink.objects.filter(pk=link_id).update(claimed_at=None, token_hash=None)
            return None
    return ClaimedLink(
        link_id=link.pk,
        token=token,
        to=to,
        purpose=link.purpose,
        months=follow_up.months if follow_up else None,
    )


@transaction.atomic
def link_sent(*, link_id: int, channel: str) -> None:
    now = timezone.now()
    link = LearnerLink.objects.select_for_update().get(pk=link_id)
    link.sent_at = now
    link.expires_at = now + dt.timedelta(days=link_days())
    link.save(update_fields=["sent_at", "expires_at"])
    audit_record(
        actor=None,
        actor_label="learner messages",
        action=Action.LEARNER_LINK_SEND,
        obj=link,
        learner_id=link.learner_id,
        detail={"purpose": link.purpose, "channel": channel, "follow_up": link.follow_up_id},
    )


def link_send_failed(*, link_id: int) -> None:
    """The message did not go: let another attempt claim the link (with a new token)."""
    LearnerLink.objects.filter(pk=link_id, sent_at__isnull=True).update(
        claimed_at=None, token_hash=None
    )


# Opening a link


class TooManyAttempts(Exception):
    """The client address has failed too often in the last hour."""


def _refuse(*, link: LearnerLink | None, reason: str, address_digest: str) -> None:
    LinkAttempt.objects.create(address_digest=address_digest)
    audit_record(
        actor=None,
        actor_label=LINK_ACTOR,
        action=Action.LEARNER_LINK_REFUSE,
        outcome="denied",
        obj=link,
        learner_id=link.learner_id if link else None,
        detail={"reason": reason},
    )


def address_blocked(address: str) -> bool:
    digest = _address_digest(address)
    limit = int(getattr(settings, "LEARNER_LINK_FAILURES_PER_ADDRESS", 20))
    since = timezone.now() - WINDOW
    return LinkAttempt.objects.filter(address_digest=digest, attempted_at__gte=since).count() >= (
        limit
    )


@transaction.atomic
def link_open(*, token: str, date_of_birth: dt.date, address: str) -> LearnerLink | None:
    """The link for `token` if it is usable and the date of birth is the learner's;
    otherwise None, the same for every reason, with the failure counted and
    audited. Raises TooManyAttempts when the address is over its limit."""
    digest = _address_digest(address)
    LinkAttempt.objects.filter(attempted_at__lt=timezone.now() - WINDOW).delete()
    if address_blocked(address):
        _refuse(link=None, reason="too many attempts from this address", address_digest=digest)
        raise TooManyAttempts
    link = (
        LearnerLink.objects.select_for_update()
        .select_related("learner")
        .filter(token_hash=token_hash(token))
        .first()
        if token
        else None
    )
    if link is None:
        _refuse(link=None, reason="unknown link", address_digest=digest)
        return None
    if not link.is_usable():
        reason = "used link" if link.used_at else "expired or locked link"
        _refuse(link=link, reason=reason, address_digest=digest)
        return None
    if link.learner.date_of_birth != date_of_birth:
        link.birth_date_failures += 1
        fields = ["birth_date_failures"]
        if link.birth_date_failures >= int(getattr(settings, "LEARNER_LINK_FAILURES_PER_LINK", 5)):
            link.expires_at = timezone.now()  # locked: the learner asks for a new one
            fields.append("expires_at")
        link.save(update_fields=fields)
        _refuse(link=link, reason="wrong date of birth", address_digest=digest)
        return None
    if link.purpose == LinkPurpose.PROGRESS:
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    audit_record(
        actor=None,
        actor_label=LINK_ACTOR,
        action=Action.LEARNER_LINK_OPEN,
        obj=link,
        learner_id=link.learner_id,
        detail={"purpose": link.purpose},
    )
    return link


def open_link(link_id: int | None) -> LearnerLink | None:
    """The link a learner's session was opened with, if it is still usable
    (for the self-report form: not yet used)."""
    if link_id is None:
        return None
    link = LearnerLink.objects.select_related("follow_up").filter(pk=link_id).first()
    return link if link is not None and link.is_usable() else None


class LinkUnusable(Exception):
    """The link was used or expired between opening it and sending the answers."""


@transaction.atomic
def self_report_submit(
    *, link_id: int, kinds: list[str], employer_or_course: str = "", wants_support: bool = False
) -> SelfReport:
    link = LearnerLink.objects.select_for_update().filter(pk=link_id).first()
    if link is None or link.purpose != LinkPurpose.SELF_REPORT or not link.is_usable():
        raise LinkUnusable
    allowed = {value for value, _label in LEARNER_KINDS}
    kinds = [kind for kind in kinds if kind in allowed]
    if not kinds:
        raise ValueError("At least one answer is needed.")
    report, _created = SelfReport.objects.update_or_create(
        follow_up_id=link.follow_up_id,
        defaults={
            "learner_id": link.learner_id,
            "kinds": kinds,
            "employer_or_course": employer_or_course.strip()[:200],
            "wants_support": wants_support,
            "received_at": timezone.now(),
            "confirmed_at": None,
            "confirmed_by": None,
        },
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    audit_record(
        actor=None,
        actor_label=LINK_ACTOR,
        action=Action.SELF_REPORT_SUBMIT,
        obj=report,
        learner_id=link.learner_id,
        detail={"kinds": kinds, "wants_support": wants_support, "link": link.pk},
    )
    return report


def own_progress_audit(*, learner: Learner, what: str) -> None:
    audit_record(
        actor=None,
        actor_label=LINK_ACTOR,
        action=Action.OWN_PROGRESS_VIEW,
        obj=learner,
        learner_id=learner.pk,
        detail={"what": what},
    )
