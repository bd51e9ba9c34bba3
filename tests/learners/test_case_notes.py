"""Case notes (issue 17 item 9): dated notes on a learner in custody and after,
restricted ones hidden from tutors and OMU staff, corrected by a new note rather
than edited, every write audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import CaseNote, TimelineEvent, TimelineKind
from learners.services import case_note_add, case_note_correct
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def _new(learner):
    return reverse("learners:case_note_new", kwargs={"pk": learner.pk})


def _list(learner):
    return reverse("learners:case_notes", kwargs={"pk": learner.pk})


def test_a_regional_manager_adds_a_restricted_note_dated_in_the_past(
    client, regional_manager, learner
):
    day = timezone.localdate() - dt.timedelta(days=3)
    client.force_login(regional_manager)
    response = client.post(
        _new(learner),
        {"happened_on": day.isoformat(), "text": "Talked about his recovery.", "restricted": "on"},
    )
    assert response.status_code == 302
    note = CaseNote.objects.get(learner=learner)
    assert (note.happened_on, note.restricted, note.recorded_by) == (day, True, regional_manager)
    entry = TimelineEvent.objects.get(learner=learner, kind=TimelineKind.CASE_NOTE)
    assert entry.restricted
    assert timezone.localdate(entry.occurred_at) == day
    event = AuditEvent.objects.get(action="case_note.add")
    assert event.learner_ref == learner.pk
    assert event.detail["happened_on"] == day.isoformat()
    assert "recovery" not in str(event.detail)
    page = client.get(_list(learner)).content.decode()
    assert "Talked about his recovery." in page
    assert "recorded on" in page


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "must be today or earlier"), (400, "on or after the date joined")],
)
def test_a_note_dated_in_the_future_or_before_joining_is_refused(
    client, regional_manager, prison, days, message
):
    learner = LearnerFactory(prison=prison, joined_on=timezone.localdate() - dt.timedelta(30))
    day = timezone.localdate() - dt.timedelta(days=days)
    client.force_login(regional_manager)
    response = client.post(_new(learner), {"happened_on": day.isoformat(), "text": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert "<title>Error: " in page
    assert not CaseNote.objects.exists()
    assert not AuditEvent.objects.filter(action="case_note.add").exists()


def test_an_empty_note_is_refused(client, regional_manager, learner):
    client.force_login(regional_manager)
    response = client.post(_new(learner), {"happened_on": timezone.localdate().isoformat()})
    assert "Enter the note" in response.content.decode()
    assert not CaseNote.objects.exists()


def test_tutors_and_omu_never_see_restricted_notes(
    client, regional_manager, tutor, omu, consenting_learner
):
    learner = consenting_learner
    today = timezone.localdate()
    case_note_add(
        actor=regional_manager, learner=learner, happened_on=today, text="Zqopen", restricted=False
    )
    case_note_add(
        actor=regional_manager, learner=learner, happened_on=today, text="Zqsecret", restricted=True
    )
    client.force_login(tutor)
    page = client.get(_list(learner)).content.decode()
    assert "Zqopen" in page and "Zqsecret" not in page
    timeline = client.get(reverse("learners:timeline", kwargs={"pk": learner.pk})).content.decode()
    assert "Zqopen" in timeline and "Zqsecret" not in timeline
    assert client.get(_new(learner)).status_code == 403
    client.force_login(omu)
    assert client.get(_list(learner)).status_code == 403
    client.force_login(regional_manager)
    page = client.get(_list(learner)).content.decode()
    assert "Zqopen" in page and "Zqsecret" in page


def test_another_prisons_staff_get_404(client, make_user, other_prison, learner, regional_manager):
    note = case_note_add(
        actor=regional_manager,
        learner=learner,
        happened_on=timezone.localdate(),
        text="x",
        restricted=False,
    )
    stranger = make_user("regional_manager", [other_prison])
    client.force_login(stranger)
    assert client.get(_list(learner)).status_code == 404
    assert client.post(_new(learner), {"text": "x"}).status_code == 404
    url = reverse("learners:case_note_correction", kwargs={"pk": learner.pk, "note_pk": note.pk})
    assert client.post(url, {"text": "y"}).status_code == 404
    assert CaseNote.objects.count() == 1


def test_a_correction_keeps_the_original_and_its_restriction(client, regional_manager, learner):
    note = case_note_add(
        actor=regional_manager,
        learner=learner,
        happened_on=timezone.localdate(),
        text="Zqwrong",
        restricted=True,
    )
    client.force_login(regional_manager)
    url = reverse("learners:case_note_correction", kwargs={"pk": learner.pk, "note_pk": note.pk})
    assert client.post(url, {"text": ""}).status_code == 200
    response = client.post(url, {"text": "Zqright"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Zqwrong"
    correction = note.corrections.get()
    assert (correction.text, correction.restricted, correction.happened_on) == (
        "Zqright",
        True,
        note.happened_on,
    )
    assert (
        AuditEvent.objects.filter(action="case_note.correct", learner_ref=learner.pk).count() == 1
    )
    page = client.get(_list(learner)).content.decode()
    assert page.index("Zqwrong") < page.index("Zqright")
    assert page.count('data-testid="case-note"') == 1


def test_a_correction_cannot_be_corrected(client, regional_manager, learner):
    note = case_note_add(
        actor=regional_manager,
        learner=learner,
        happened_on=timezone.localdate(),
        text="a",
        restricted=False,
    )
    correction = case_note_correct(actor=regional_manager, note=note, text="b")
    client.force_login(regional_manager)
    url = reverse(
        "learners:case_note_correction", kwargs={"pk": learner.pk, "note_pk": correction.pk}
    )
    assert client.get(url).status_code == 404


def test_the_empty_list_says_what_to_do(client, regional_manager, learner):
    client.force_login(regional_manager)
    page = client.get(_list(learner)).content.decode()
    assert 'data-testid="empty-case-notes"' in page
    assert "Add a case note" in page


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_takes_a_fixed_number_of_queries(
    client, regional_manager, learner, count, django_assert_max_num_queries
):
    for n in range(count):
        note = case_note_add(
            actor=regional_manager,
            learner=learner,
            happened_on=timezone.localdate(),
            text=f"note {n}",
            restricted=bool(n % 2),
        )
        case_note_correct(actor=regional_manager, note=note, text=f"fixed {n}")
    client.force_login(regional_manager)
    with django_assert_max_num_queries(18):
        response = client.get(_list(learner))
    assert response.content.decode().count('data-testid="case-note"') == count
