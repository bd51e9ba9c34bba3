"""The reminder email: subject, plain text and HTML, a link to the record, and
nothing restricted."""

import pytest
from django.core import mail
from freezegun import freeze_time

from notifications.models import Notification
from notifications.services import reminders_run
from notifications.tasks import deliver_notification_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(referred, rm, settings):
    settings.SITE_URL = "https://lj.code4000.example"
    with freeze_time("2026-11-16 06:00:00"):
        reminders_run()
    deliver_notification_email.apply(args=[Notification.objects.get().pk])
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_email_has_a_subject_a_text_part_and_an_html_part(sent, rm):
    assert sent.to == [rm.email]
    assert sent.subject == (
        "Learner Journey reminder: Intake interview for Jamie Doyle (A1234BC) not held: "
        "it was due by 15 November 2026."
    )
    assert "Dear Rachel Manager" in sent.body
    assert "Due: 15 November 2026" in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert "<h1>Intake interview not held</h1>" in html
    assert "Jamie Doyle (A1234BC)" in html


def test_the_email_links_to_the_record_and_to_the_preferences(sent):
    assert "https://lj.code4000.example/notifications/preferences" in sent.body
    # The learner's page once it exists; the notifications page until then.
    assert "Open the record: https://lj.code4000.example/" in sent.body


def test_the_email_carries_only_the_kind_the_name_the_number_and_the_date(sent, referred):
    text = sent.body + sent.alternatives[0][0] + sent.subject
    assert referred.date_of_birth.strftime("%Y") not in text
    for word in ("health", "recovery", "offence", "offending", "substance"):
        assert word not in text.lower()


def test_an_apostrophe_in_a_name_is_not_escaped_in_the_text_part(prison, rm):
    from tests.factories import LearnerFactory
    from tests.notifications.conftest import TODAY

    LearnerFactory(
        prison=prison,
        last_name="O'Brien",
        first_name="Sam",
        course_status="referred",
        joined_on=TODAY.replace(day=1),
        regional_manager=rm,
    )
    with freeze_time("2026-11-16 06:00:00"):
        reminders_run()
    deliver_notification_email.apply(args=[Notification.objects.get().pk])
    assert "Sam O'Brien" in mail.outbox[0].body
    assert "Sam O'Brien" in mail.outbox[0].subject
    assert "O&#x27;Brien" in mail.outbox[0].alternatives[0][0]
