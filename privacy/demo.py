"""Demo data for data protection: one erasure asked for by the demo director,
waiting for the administrator to approve or decline it."""

import datetime as dt

from django.utils import timezone

from accounts.models import Role
from privacy.models import (
    DATA_REQUEST_MONTHS,
    DataRequest,
    DataRequestKind,
    DataRequestStatus,
    ErasureBasis,
    ErasureRequest,
    ErasureStatus,
    months_after,
)


def seed(world, *, size: int, log) -> None:
    seed_data_requests(world, log)
    if not world.learners or ErasureRequest.objects.exists():
        return
    director = world.first_of(Role.DIRECTOR)
    learner = world.learners[-1]
    ErasureRequest.objects.create(
        learner=learner,
        basis=ErasureBasis.ERROR,
        reason="Enrolled twice by mistake: this record duplicates the learner's other one.",
        requested_by=director,
        status=ErasureStatus.PENDING,
    )
    log(f"Erasure request for learner {learner.pk}, for the administrator to decide.")


def seed_data_requests(world, log) -> None:
    """The register: one subject access request past its deadline (for the home page
    work queue), one open and in time, one answered."""
    if not world.learners or DataRequest.objects.exists():
        return
    director = world.first_of(Role.DIRECTOR)
    today = timezone.localdate()
    plans = [
        (DataRequestKind.SUBJECT_ACCESS, 40, None),
        (DataRequestKind.SUBJECT_ACCESS, 6, None),
        (DataRequestKind.ERASURE, 75, "The record is needed for a live safeguarding referral."),
    ]
    for learner, (kind, days_ago, refusal) in zip(world.learners, plans, strict=False):
        received = max(today - dt.timedelta(days=days_ago), learner.joined_on)
        entry = DataRequest.objects.create(
            kind=kind,
            learner=learner,
            learner_ref=learner.pk,
            received_on=received,
            due_on=months_after(received, DATA_REQUEST_MONTHS),
            logged_by=director,
            logged_at=timezone.make_aware(dt.datetime.combine(received, dt.time(10, 15))),
        )
        if refusal:
            entry.status = DataRequestStatus.REFUSED
            entry.outcome = refusal
            entry.handled_by = director
            entry.closed_on = min(received + dt.timedelta(days=20), today)
            entry.save()
    log("Data requests: one overdue, one open, one refused.")
