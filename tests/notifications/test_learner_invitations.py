"""Invitations to released learners (issue 18), end to end: the daily task on a
real Celery worker (threads of this process, the real Redis and test database)
sends each link once through the real SMTP client to a socket SMTP sink; the
test reads the email the sink caught and follows its link."""

from __future__ import annotations

import email
import email.policy
import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from code4000.celery import app
from notifications import learner_messages
from notifications.tasks import send_self_report_invitations
from resettlement.models import LearnerLink, SelfReport
from tests.clients import StaffClient
from tests.processes import SmtpSink
from tests.resettlement.self_report_world import CONTACT, birth_post, released_learner

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("The worker did not finish in time.")


@pytest.fixture
def sink(settings):
    smtp = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://learners.code4000.example"
    yield smtp
    smtp.close()


@pytest.fixture
def worker():
    assert app.conf.broker_url.startswith("redis://"), "run with REDIS_URL set"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"
    ) as running:
        yield running


def _text_and_recipient(raw: bytes) -> tuple[str, str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    return text, str(message["To"])


def test_the_daily_task_emails_each_link_once_and_the_link_works(
    sink, worker, prison, regional_manager
):
    learner = released_learner(prison, regional_manager)
    send_self_report_invitations.delay()
    wait_for(lambda: len(sink.messages) == 1)
    # The next days' runs (and two at once) send nothing more for this follow-up.
    send_self_report_invitations.delay()
    send_self_report_invitations.delay()
    wait_for(lambda: LearnerLink.objects.filter(sent_at__isnull=False).count() == 1)
    time.sleep(2)
    assert len(sink.messages) == 1

    text, to = _text_and_recipient(sink.messages[0])
    assert to == CONTACT
    for personal in (learner.first_name, learner.last_name, learner.prison_number, "Humber"):
        assert personal not in text
    [url] = re.findall(r"https://learners\.code4000\.example(/you/[A-Za-z0-9_-]{43,}/)", text)

    client = StaffClient()
    assert "Confirm your date of birth" in client.get(url).content.decode()
    response = client.post(url, birth_post())
    assert response["Location"] == reverse("own:report")
    response = client.post(
        reverse("own:report"),
        {"kinds": ["training"], "employer_or_course": "A bootcamp", "wants_support": "no"},
    )
    assert response.status_code == 302
    report = SelfReport.objects.get(learner=learner)
    assert report.kinds == ["training"]
    assert report.confirmed_at is None


def test_the_backend_is_pluggable(settings, prison, regional_manager):
    sent: list = []
    settings.LEARNER_MESSAGE_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.sent = sent
    released_learner(prison, regional_manager)
    from notifications.tasks import deliver_learner_invitation
    from resettlement.self_reports import self_report_invitations_create

    [link_id] = self_report_invitations_create()
    assert deliver_learner_invitation.apply(args=[link_id]).get() == "sent"
    assert [message.to for message in sent] == [CONTACT]
    assert "/you/" in sent[0].text
    link = LearnerLink.objects.get(pk=link_id)
    from audit.models import AuditEvent

    assert AuditEvent.objects.get(action="resettlement.learner_link.send").detail["channel"] == (
        "sms"
    )
    assert link.sent_at is not None
    assert isinstance(learner_messages.backend(), RecordingBackend)


class RecordingBackend:
    """A stand-in for a text-message backend: keeps what it is asked to send."""

    channel = "sms"
    sent: list = []

    def send(self, message) -> None:
        self.sent.append(message)
