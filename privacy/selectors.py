"""Reads for data protection pages. Erasure requests are decided by a director or
the administrator who did not ask for them; everyone else is refused (403)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import Capability, access_for
from learners.models import Learner
from learners.selectors import learner_list_for_user
from privacy.models import DataRequest, DataRequestStatus, ErasureRequest, ErasureStatus
from privacy.services import ERASURE_APPROVERS


def _require_approver(user) -> None:
    if access_for(user).role not in ERASURE_APPROVERS:
        raise PermissionDenied("Only a director or the administrator can decide an erasure.")


def erasure_requests_pending_for_user(user) -> QuerySet[ErasureRequest]:
    _require_approver(user)
    learners = learner_list_for_user(user, capability=Capability.VIEW_LEARNER_IDENTITY)
    return (
        ErasureRequest.objects.filter(status=ErasureStatus.PENDING, learner__in=learners)
        .select_related("learner", "learner__prison", "requested_by")
        .order_by("requested_at", "pk")
    )


def erasure_request_for_user(user, pk: int) -> ErasureRequest:
    """A pending request the user may decide: 403 for other roles and for the person
    who asked, 404 when there is no such pending request."""
    try:
        request = erasure_requests_pending_for_user(user).get(pk=pk)
    except (ErasureRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No erasure request found.") from exc
    if request.requested_by_id == user.pk:
        raise PermissionDenied(
            "You asked for this erasure: another director or the administrator must decide it."
        )
    return request


def erasure_request_pending_for_learner(learner: Learner) -> ErasureRequest | None:
    """For a page that already passed the learner's gate."""
    return (
        ErasureRequest.objects.filter(learner=learner, status=ErasureStatus.PENDING)
        .select_related("requested_by")
        .first()
    )


# The register of data requests: directors only (Capability.MAKE_REPORTS).


def data_requests_for_user(user) -> QuerySet[DataRequest]:
    """Requests about learners the user may see, and those whose learner was
    erased (the register keeps only the learner's number)."""
    access_for(user).require(Capability.MAKE_REPORTS)
    learners = learner_list_for_user(user, capability=Capability.MAKE_REPORTS)
    return (
        DataRequest.objects.filter(Q(learner__in=learners) | Q(learner__isnull=True))
        .select_related("learner", "learner__prison", "logged_by", "handled_by")
        .order_by("due_on", "pk")
    )


def data_requests_open_for_user(user) -> QuerySet[DataRequest]:
    return data_requests_for_user(user).filter(status=DataRequestStatus.OPEN)


def data_requests_overdue_for_user(user, today: dt.date | None = None) -> QuerySet[DataRequest]:
    today = today or timezone.localdate()
    return data_requests_open_for_user(user).filter(due_on__lt=today)


def data_request_for_user(user, pk: int) -> DataRequest:
    try:
        return data_requests_for_user(user).get(pk=pk)
    except (DataRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No data request found.") from exc


def data_requests_for_learner(learner: Learner) -> QuerySet[DataRequest]:
    """For a page that already passed the learner's gate."""
    return DataRequest.objects.filter(learner=learner).select_related("handled_by")
