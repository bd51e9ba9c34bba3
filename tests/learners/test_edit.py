import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from learners.models import ConsentKind, TimelineEvent, TimelineKind
from learners.services import consent_withdraw
from tests.factories import ConsentFactory, LearnerFactory

pytestmark = pytest.mark.django_db


def _data(learner, **overrides):
    data = {
        "prison_number": learner.prison_number,
        "first_name": learner.first_name,
        "last_name": learner.last_name,
        "preferred_name": "",
        "date_of_birth": learner.date_of_birth.isoformat(),
        "joined_on": learner.joined_on.isoformat(),
        "earliest_release_on": "",
        "expected_release_on": learner.expected_release_on.isoformat(),
        "tutor": "",
    }
    data.update(overrides)
    return data


def test_changing_details_is_recorded(client, regional_manager, prison):
    learner = LearnerFactory(prison=prison, last_name="Smith")
    client.force_login(regional_manager)
    url = reverse("learners:edit", kwargs={"pk": learner.pk})
    response = client.post(url, _data(learner, last_name="Smyth", preferred_name="Jay"))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.last_name, learner.preferred_name) == ("Smyth", "Jay")
    entry = TimelineEvent.objects.get(learner=learner, kind=TimelineKind.DETAILS)
    assert "last name" in entry.summary
    event = AuditEvent.objects.get(action="learner.update")
    assert set(event.detail["fields"]) == {"last_name", "preferred_name"}


def test_details_form_refuses_bad_dates(client, regional_manager, prison):
    learner = LearnerFactory(prison=prison)
    client.force_login(regional_manager)
    url = reverse("learners:edit", kwargs={"pk": learner.pk})
    before = (learner.joined_on - dt.timedelta(days=1)).isoformat()
    response = client.post(url, _data(learner, expected_release_on=before))
    assert "Expected release date must be after the date joined" in response.content.decode()
    learner.refresh_from_db()
    assert learner.expected_release_on != learner.joined_on - dt.timedelta(days=1)
    assert not AuditEvent.objects.filter(action="learner.update").exists()


def test_consent_withdrawal_dates_the_row_and_a_new_grant_is_a_new_row(
    regional_manager, prison, today
):
    learner = LearnerFactory(prison=prison)
    consent = ConsentFactory(learner=learner, kind=ConsentKind.CASE_STUDY)
    consent_withdraw(actor=regional_manager, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1
    again = ConsentFactory(learner=learner, kind=ConsentKind.CASE_STUDY, given_on=today)
    assert again.pk != consent.pk
    assert learner.consents.count() == 2
