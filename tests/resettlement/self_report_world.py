"""Helpers for the self-report tests: a released learner who consented to contact
after release, with a contact email and a follow-up due, and a sent link."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from learners.models import ConsentKind
from resettlement import self_reports, services
from resettlement.models import FollowUp, LearnerLink, LinkPurpose
from tests.factories import ConsentFactory, LearnerFactory

BIRTH = dt.date(1990, 3, 27)
CONTACT = "jamie.new@example.org"


def released_learner(prison, regional_manager, *, days_ago: int = 40, consent: bool = True, **kw):
    learner = LearnerFactory(
        prison=prison,
        first_name=kw.pop("first_name", "Jamie"),
        last_name=kw.pop("last_name", "Doyle"),
        date_of_birth=BIRTH,
        regional_manager=regional_manager,
        **kw,
    )
    if consent:
        ConsentFactory(learner=learner, kind=ConsentKind.CONTACT_AFTER_RELEASE)
    services.release_record(
        actor=regional_manager,
        learner=learner,
        released_on=timezone.localdate() - dt.timedelta(days=days_ago),
        release_type="licence",
        area="Hull",
        contact_email=CONTACT,
    )
    learner.refresh_from_db()
    return learner


def first_follow_up(learner) -> FollowUp:
    return FollowUp.objects.filter(learner=learner).order_by("months").first()


def sent_link(learner, *, purpose: str = LinkPurpose.SELF_REPORT) -> tuple[LearnerLink, str]:
    """A link as the sender leaves it: claimed, hashed, sent. Returns (link, token)."""
    follow_up = first_follow_up(learner) if purpose == LinkPurpose.SELF_REPORT else None
    link = LearnerLink.objects.create(learner=learner, follow_up=follow_up, purpose=purpose)
    if purpose == LinkPurpose.SELF_REPORT:
        claimed = self_reports.link_claim(link_id=link.pk)
        token = claimed.token
    else:
        import secrets

        token = secrets.token_urlsafe(self_reports.TOKEN_BYTES)
        LearnerLink.objects.filter(pk=link.pk).update(token_hash=self_reports.token_hash(token))
    self_reports.link_sent(link_id=link.pk, channel="email")
    link.refresh_from_db()
    return link, token


def birth_post(day=BIRTH.day, month=BIRTH.month, year=BIRTH.year) -> dict:
    return {"day": str(day), "month": str(month), "year": str(year)}
