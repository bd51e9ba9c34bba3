"""The consents page (issue 17 item 1): give or withdraw each consent with its
date and who recorded it, a history of changes, and a withdrawal of OMU sharing
that takes effect at once, audited, on the timeline, and told as a journey event."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.access import Capability
from audit.models import AuditEvent
from learners import events
from learners.models import Consent, ConsentKind, TimelineEvent, TimelineKind
from learners.selectors import learner_list_for_user
from learners.services import consent_give, consent_withdraw
from tests.factories import ConsentFactory, LearnerFactory

pytestmark = pytest.mark.django_db


def _change(learner, kind):
    return reverse("learners:consent_change", kwargs={"pk": learner.pk, "kind": kind})


def _page(learner):
    return reverse("learners:consents", kwargs={"pk": learner.pk})


@pytest.fixture
def heard():
    """The ConsentWithdrawn events published while the test runs."""
    received: list[events.ConsentWithdrawn] = []
    events.subscribe(events.ConsentWithdrawn, received.append)
    yield received
    events._listeners[events.ConsentWithdrawn].remove(received.append)


def test_withdrawing_omu_sharing_on_an_earlier_day_stops_the_omu_at_once(
    client, regional_manager, omu, consenting_learner, heard
):
    learner = consenting_learner

    def omu_sees() -> bool:
        return (
            learner_list_for_user(omu, capability=Capability.VIEW_LEARNER_IDENTITY)
            .filter(pk=learner.pk)
            .exists()
        )

    assert omu_sees()
    day = timezone.localdate() - dt.timedelta(days=3)

    client.force_login(regional_manager)
    response = client.post(
        _change(learner, ConsentKind.SHARE_WITH_OMU), {"withdrawn_on": day.isoformat()}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(learner=learner, kind=ConsentKind.SHARE_WITH_OMU)
    assert (consent.withdrawn_on, consent.withdrawal_recorded_by) == (day, regional_manager)
    event = AuditEvent.objects.get(action="consent.withdraw")
    assert event.learner_ref == learner.pk
    assert event.detail["happened_on"] == day.isoformat()
    entry = TimelineEvent.objects.get(learner=learner, kind=TimelineKind.CONSENT)
    assert timezone.localdate(entry.occurred_at) == day
    assert "withdrawn" in entry.summary
    assert heard == [
        events.ConsentWithdrawn(
            learner_id=learner.pk,
            actor_id=regional_manager.pk,
            kind=ConsentKind.SHARE_WITH_OMU,
            on=day,
        )
    ]
    assert not omu_sees()


def test_withdrawing_case_study_consent_publishes_consent_withdrawn(
    regional_manager, learner, heard
):
    consent = ConsentFactory(learner=learner, kind=ConsentKind.CASE_STUDY)
    consent_withdraw(actor=regional_manager, consent=consent)
    assert [(e.kind, e.on) for e in heard] == [(ConsentKind.CASE_STUDY, timezone.localdate())]


def test_giving_a_consent_records_its_date_and_who_recorded_it(client, regional_manager, learner):
    day = timezone.localdate() - dt.timedelta(days=10)
    client.force_login(regional_manager)
    response = client.post(_change(learner, ConsentKind.CASE_STUDY), {"given_on": day.isoformat()})
    assert response.status_code == 302
    consent = Consent.objects.get(learner=learner, kind=ConsentKind.CASE_STUDY)
    assert (consent.given_on, consent.recorded_by) == (day, regional_manager)
    assert AuditEvent.objects.filter(action="consent.give", learner_ref=learner.pk).count() == 1
    page = client.get(_page(learner)).content.decode()
    assert "Use in an anonymised case study" in page
    assert regional_manager.full_name in page


def test_the_history_shows_each_grant_and_withdrawal(client, regional_manager, tutor, learner):
    today = timezone.localdate()
    first = consent_give(
        actor=regional_manager,
        learner=learner,
        kind=ConsentKind.CONTACT_AFTER_RELEASE,
        given_on=today - dt.timedelta(days=20),
    )
    consent_withdraw(actor=regional_manager, consent=first, withdrawn_on=today - dt.timedelta(10))
    consent_give(
        actor=regional_manager,
        learner=learner,
        kind=ConsentKind.CONTACT_AFTER_RELEASE,
        given_on=today - dt.timedelta(days=2),
    )
    client.force_login(tutor)
    response = client.get(_page(learner))
    assert response.status_code == 200
    page = response.content.decode()
    history = page[page.index('data-testid="consent-history"') :]
    assert history.count("Given</td>") == 2 and history.count("Withdrawn</td>") == 1
    assert history.index("Given</td>") < history.index("Withdrawn</td>")  # newest first
    assert "Record a withdrawal" not in page  # tutors read only
    assert client.get(_change(learner, ConsentKind.CASE_STUDY)).status_code == 403


@pytest.mark.parametrize(
    ("field", "days", "message"),
    [
        ("given_on", -1, "must be today or earlier"),
        ("given_on", 90, "must be on or after the date joined"),
        ("withdrawn_on", 45, "must be on or after the date given"),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_saved(
    client, regional_manager, prison, field, days, message
):
    learner = LearnerFactory(prison=prison)  # joined 60 days ago
    kind = ConsentKind.CASE_STUDY
    if field == "withdrawn_on":
        ConsentFactory(learner=learner, kind=kind)  # given 30 days ago
    before = list(Consent.objects.values_list("pk", "withdrawn_on"))
    day = timezone.localdate() - dt.timedelta(days=days)
    client.force_login(regional_manager)
    response = client.post(_change(learner, kind), {field: day.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert list(Consent.objects.values_list("pk", "withdrawn_on")) == before
    assert not AuditEvent.objects.filter(action__startswith="consent.").exists()


def test_another_prisons_staff_get_404(client, make_user, other_prison, consenting_learner):
    client.force_login(make_user("regional_manager", [other_prison]))
    assert client.get(_page(consenting_learner)).status_code == 404
    url = _change(consenting_learner, ConsentKind.SHARE_WITH_OMU)
    assert client.post(url, {"withdrawn_on": timezone.localdate().isoformat()}).status_code == 404
    assert Consent.objects.get(learner=consenting_learner).withdrawn_on is None


def test_an_unknown_kind_is_404(client, regional_manager, learner):
    client.force_login(regional_manager)
    assert client.get(_change(learner, "marketing")).status_code == 404


def test_the_learner_page_links_to_the_consents(client, regional_manager, learner):
    client.force_login(regional_manager)
    page = client.get(reverse("learners:detail", kwargs={"pk": learner.pk})).content.decode()
    assert _page(learner) in page
