"""The staff invitation goes through the notifications outbox (issue 16): one
AccountEmail row written with the invitation, its task published after commit,
and the email sent at most once through the row's claim, however often the task
is delivered or retried. A real Celery worker on the real Redis (threads of this
process, so the locmem backend captures what it sends); only the mail server is
stood in for."""

import smtplib
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import Role, User
from configuration import services
from configuration.tasks import staff_invitation_send
from notifications.models import AccountEmail, EmailStatus, OutboxMessage
from notifications.services import EmailNotSent, account_email_deliver
from tests.notifications.test_worker_integration import wait_for, worker  # noqa: F401 (the worker fixture)

pytestmark = [pytest.mark.django_db(transaction=True)]


def _invite(administrator, prison) -> User:
    return services.staff_invite(
        actor=administrator,
        email="nina.new@code4000.example",
        full_name="Nina New",
        role=Role.TUTOR,
        prisons=[prison],
    )


@pytest.mark.celery
@pytest.mark.usefixtures("worker")
def test_the_invitation_goes_once_however_often_its_task_runs(administrator, prison):
    person = _invite(administrator, prison)
    invitation = AccountEmail.objects.get(recipient=person)
    # Written to the outbox with the invitation, and published after commit.
    message = OutboxMessage.objects.get(task_name="configuration.staff_invitation_send")
    assert message.args == [invitation.pk]
    wait_for(lambda: len(mail.outbox) == 1)
    # The broker delivers it again, twice at once on the two worker threads.
    for _ in range(3):
        staff_invitation_send.delay(invitation.pk)
    wait_for(lambda: AccountEmail.objects.get(pk=invitation.pk).email_attempts == 1)
    time.sleep(1.5)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina.new@code4000.example"]
    assert "/accounts/password-reset/" in mail.outbox[0].body
    invitation.refresh_from_db()
    assert (invitation.email_status, invitation.email_attempts) == (EmailStatus.SENT, 1)


@pytest.mark.celery
@pytest.mark.usefixtures("worker")
def test_a_mail_server_error_is_retried_and_sends_one_email(administrator, prison, monkeypatch):
    real_send = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(len(messages))
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    monkeypatch.setattr("configuration.tasks.backoff", lambda retries: 0)
    person = _invite(administrator, prison)
    wait_for(lambda: len(mail.outbox) == 1)
    time.sleep(1.0)
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    invitation = AccountEmail.objects.get(recipient=person)
    assert (invitation.email_status, invitation.email_attempts) == (EmailStatus.SENT, 2)


def test_a_claim_left_by_a_dead_worker_is_never_sent_again(administrator, prison):
    person = _invite(administrator, prison)
    invitation = AccountEmail.objects.get(recipient=person)
    AccountEmail.objects.filter(pk=invitation.pk).update(email_status=EmailStatus.SENDING)
    assert staff_invitation_send(invitation.pk) == "nothing to do"
    assert mail.outbox == []


def test_a_failed_send_gives_the_claim_back(administrator, prison, monkeypatch):
    person = _invite(administrator, prison)
    invitation = AccountEmail.objects.get(recipient=person)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    from configuration.tasks import invitation_message

    with pytest.raises(EmailNotSent):
        account_email_deliver(invitation.pk, build=invitation_message)
    invitation.refresh_from_db()
    assert (invitation.email_status, invitation.emailed_at) == (EmailStatus.PENDING, None)
    monkeypatch.undo()
    assert account_email_deliver(invitation.pk, build=invitation_message) == "sent"
    assert len(mail.outbox) == 1


def test_nothing_is_sent_once_they_have_set_a_password(administrator, prison):
    person = _invite(administrator, prison)
    person.set_password("a-long-and-new-passphrase")
    person.save()
    invitation = AccountEmail.objects.get(recipient=person)
    assert staff_invitation_send(invitation.pk) == "skipped"
    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.email_status == EmailStatus.SKIPPED


def test_a_resend_is_a_new_email(administrator, prison):
    person = _invite(administrator, prison)
    services.staff_invitation_resend(actor=administrator, user=person)
    assert AccountEmail.objects.filter(recipient=person).count() == 2
