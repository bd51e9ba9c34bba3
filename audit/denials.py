"""Refused requests on learner routes, in the audit trail (issue 13 item 3).

When the access gate refuses a signed-in user a page about a learner (a 403
from `Access.require` or a 404 from a `*_for_user` selector), one audit row
records who, which route, which learner and "denied". A user who keeps trying
the same page gets at most one row per route and learner per minute, so a loop
cannot flood the trail; directors see, in the audit viewer, who was refused
most often in the last day."""

from __future__ import annotations

import datetime as dt
import re
import zlib

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from audit.services import audit_record

DENIED_ACTION = "access.denied"
DENIAL_WINDOW = dt.timedelta(minutes=1)
# A route about one learner: `learners/<pk>/...` or `learner/<pk>/...` in any app.
_LEARNER_ROUTE = re.compile(r"(^|/)learners?/(<int:pk>|\(\?P<pk>)")


def learner_route(resolver_match) -> tuple[str, int, dict[str, str]] | None:
    """(route name, learner id, the other ids in the URL) when the resolved URL
    is about one learner; None otherwise."""
    if resolver_match is None or not _LEARNER_ROUTE.search(resolver_match.route or ""):
        return None
    try:
        learner_id = int(resolver_match.kwargs["pk"])
    except (KeyError, TypeError, ValueError):
        return None
    ids = {
        name: str(value)[:64]
        for name, value in sorted(resolver_match.kwargs.items())
        if name != "pk"
    }
    return resolver_match.view_name, learner_id, ids


def denied_request_record(
    *, actor, route: str, learner_id: int, ids: dict[str, str] | None = None, status: int
) -> bool:
    """Record one refusal unless the same user was refused the same route and
    object within the last minute. Returns whether a row was written. The check
    and the write hold a transaction-scoped lock on (user, route, object), so
    two refusals at the same moment still make one row."""
    ids = ids or {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            key = zlib.crc32(f"{actor.pk}:{route}:{learner_id}:{sorted(ids.items())}".encode())
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x6C6A, key - 2**31])
        recent = AuditEvent.objects.filter(
            actor=actor,
            action=DENIED_ACTION,
            learner_ref=learner_id,
            detail__route=route,
            detail__ids=ids,
            occurred_at__gte=timezone.now() - DENIAL_WINDOW,
        )
        if recent.exists():
            return False
        audit_record(
            actor=actor,
            action=DENIED_ACTION,
            learner_id=learner_id,
            outcome=Outcome.DENIED,
            detail={"route": route, "ids": ids, "status": status},
        )
        return True


class DeniedRequestAuditMiddleware:
    """Records refusals by the access gate on learner routes (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        found = learner_route(request.resolver_match)
        if found is not None:
            route, learner_id, ids = found
            status = 403 if isinstance(exception, PermissionDenied) else 404
            denied_request_record(
                actor=user, route=route, learner_id=learner_id, ids=ids, status=status
            )
        return None  # Django answers 403/404 as before
