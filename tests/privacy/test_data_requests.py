"""The register of data requests: a director records a subject access or erasure
request as received; it is due one calendar month later (extendable once, by two
further months, with a reason); closing it records who handled it. Overdue
requests show on the director's home page; the register outlives an erasure."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from privacy.models import (
    DataRequest,
    DataRequestKind,
    DataRequestStatus,
    months_after,
)
from privacy.services import data_request_log
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 3, 14), dt.date(2026, 4, 14)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
        (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
    ],
)
def test_one_calendar_month_from_receipt(received, due):
    assert months_after(received, 1) == due


@pytest.fixture
def learner(prison):
    return LearnerFactory(prison=prison, first_name="Sam", last_name="Hughes")


def _log(client, director, learner, **data):
    client.force_login(director)
    return client.post(
        reverse("privacy:data_request_new", args=[learner.pk]),
        {"kind": DataRequestKind.SUBJECT_ACCESS, "received_on": "2026-11-20", **data},
    )


def test_a_director_logs_a_request_due_one_month_from_receipt(client, director, learner):
    response = _log(client, director, learner)
    entry = DataRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("privacy:data_request", args=[entry.pk])
    assert (entry.kind, entry.learner, entry.learner_ref) == (
        DataRequestKind.SUBJECT_ACCESS,
        learner,
        learner.pk,
    )
    assert (entry.received_on, entry.due_on) == (dt.date(2026, 11, 20), dt.date(2026, 12, 20))
    assert entry.status == DataRequestStatus.OPEN
    assert entry.logged_by == director
    event = AuditEvent.objects.get(action="privacy.data_request_log")
    assert event.learner_ref == learner.pk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": ""}, "Select what the learner asked for"),
        ({"received_on": ""}, "Enter the date received"),
        ({"received_on": "2026-02-30"}, "Date received must be a real date"),
        ({"received_on": "2999-01-01"}, "The date received must be today or in the past"),
    ],
)
def test_bad_input_is_refused_with_a_message(client, director, learner, data, message):
    response = _log(client, director, learner, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DataRequest.objects.exists()


def test_staff_other_than_directors_cannot_log_or_read_requests(
    client, regional_manager, learner, director
):
    entry = data_request_log(
        actor=director, learner=learner, kind="erasure", received_on=dt.date(2026, 11, 1)
    )
    client.force_login(regional_manager)
    assert _log(client, regional_manager, learner).status_code == 403
    assert client.get(reverse("privacy:data_requests")).status_code == 403
    assert client.get(reverse("privacy:data_request", args=[entry.pk])).status_code == 403
    assert DataRequest.objects.count() == 1


def test_the_deadline_is_extended_once_to_three_months_with_a_reason(client, director, learner):
    entry = data_request_log(
        actor=director, learner=learner, kind="subject_access", received_on=dt.date(2026, 11, 30)
    )
    client.force_login(director)
    url = reverse("privacy:data_request_extend", args=[entry.pk])
    refused = client.post(url, {"extension_reason": ""})
    assert refused.status_code == 400
    assert "Enter why the deadline is extended" in refused.content.decode()
    assert client.post(url, {"extension_reason": "Several years of records."}).status_code == 302
    entry.refresh_from_db()
    assert entry.due_on == dt.date(2027, 2, 28)
    assert entry.extension_reason == "Several years of records."
    again = client.post(url, {"extension_reason": "More time"})
    assert again.status_code == 400
    assert "already been extended" in again.content.decode()
    entry.refresh_from_db()
    assert entry.due_on == dt.date(2027, 2, 28)
    assert AuditEvent.objects.filter(action="privacy.data_request_extend").count() == 1


def test_closing_records_who_handled_it(client, director, learner):
    entry = data_request_log(
        actor=director, learner=learner, kind="subject_access", received_on=dt.date(2026, 11, 2)
    )
    client.force_login(director)
    url = reverse("privacy:data_request", args=[entry.pk])
    refused = client.post(url, {"status": "open", "outcome": "", "closed_on": "2026-11-10"})
    assert refused.status_code == 400
    assert "Enter what was done" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.is_open
    response = client.post(
        url,
        {
            "status": "completed",
            "outcome": "Export posted to the learner.",
            "closed_on": "2026-11-10",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.handled_by, entry.closed_on) == (
        DataRequestStatus.COMPLETED,
        director,
        dt.date(2026, 11, 10),
    )
    page = client.get(reverse("privacy:data_requests")).content.decode()
    assert "Export posted" not in page
    assert "Dana Director" in page
    closed_again = client.post(
        url, {"status": "refused", "outcome": "x", "closed_on": "2026-11-11"}
    )
    assert closed_again.status_code == 400
    entry.refresh_from_db()
    assert entry.status == DataRequestStatus.COMPLETED


def test_a_request_cannot_be_closed_before_it_was_received(client, director, learner):
    entry = data_request_log(
        actor=director, learner=learner, kind="subject_access", received_on=dt.date(2026, 11, 2)
    )
    client.force_login(director)
    response = client.post(
        reverse("privacy:data_request", args=[entry.pk]),
        {"status": "completed", "outcome": "Sent", "closed_on": "2026-10-01"},
    )
    assert response.status_code == 400
    assert "cannot be closed before it was received" in response.content.decode()
    entry.refresh_from_db()
    assert entry.is_open


def test_overdue_requests_show_on_the_directors_home_page(client, director, learner):
    today = timezone.localdate()
    overdue = data_request_log(
        actor=director,
        learner=learner,
        kind="erasure",
        received_on=today - dt.timedelta(days=40),
    )
    other = LearnerFactory(prison=learner.prison, first_name="Kim", last_name="Lowe")
    data_request_log(actor=director, learner=other, kind="subject_access", received_on=today)
    client.force_login(director)
    page = client.get(reverse("home")).content.decode()
    assert reverse("privacy:data_request", args=[overdue.pk]) in page
    assert "Sam Hughes" in page
    assert "Kim Lowe" not in page
    assert reverse("privacy:data_requests") in page


def test_the_home_page_of_other_roles_has_no_data_requests(client, regional_manager, learner):
    client.force_login(regional_manager)
    page = client.get(reverse("home")).content.decode()
    assert reverse("privacy:data_requests") not in page


def test_the_learner_page_links_to_the_register(client, director, learner):
    data_request_log(
        actor=director, learner=learner, kind="subject_access", received_on=dt.date(2026, 11, 2)
    )
    client.force_login(director)
    overview = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert reverse("privacy:learner", args=[learner.pk]) in overview
    page = client.get(reverse("privacy:learner", args=[learner.pk])).content.decode()
    assert reverse("privacy:data_request_new", args=[learner.pk]) in page
    assert "2 December 2026" in page


def test_the_register_outlives_an_erasure(client, director, learner, administrator):
    from privacy.services import erasure_approve, erasure_request

    entry = data_request_log(
        actor=director, learner=learner, kind="erasure", received_on=dt.date(2026, 11, 2)
    )
    erasure = erasure_request(
        actor=director, learner=learner, basis="article_17", reason="Asked in writing."
    )
    erasure_approve(actor=administrator, request=erasure)
    entry.refresh_from_db()
    assert entry.learner_id is None
    assert entry.learner_ref == learner.pk
    client.force_login(director)
    page = client.get(reverse("privacy:data_requests")).content.decode()
    assert f"Erased record, reference {learner.pk}" in page
    assert "Sam Hughes" not in page


def test_the_register_lists_requests_with_a_bounded_number_of_queries(
    client, director, prison, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            data_request_log(
                actor=director,
                learner=LearnerFactory(prison=prison),
                kind="subject_access",
                received_on=dt.date(2026, 10, 1),
            )

    client.force_login(director)
    add(2)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("privacy:data_requests"))
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("privacy:data_requests"))
