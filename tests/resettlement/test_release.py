"""Release, the follow-up schedule, return to custody, and support after release."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import StatusChange, TimelineEvent
from resettlement import services
from resettlement.models import FollowUp, Outcome, Release, SupportContact
from resettlement.services import add_months, follow_up_schedule


def test_follow_up_schedule_is_1_3_6_12_24_months():
    assert follow_up_schedule(dt.date(2026, 1, 31)) == [
        (1, dt.date(2026, 2, 28)),
        (3, dt.date(2026, 4, 30)),
        (6, dt.date(2026, 7, 31)),
        (12, dt.date(2027, 1, 31)),
        (24, dt.date(2028, 1, 31)),
    ]
    assert add_months(dt.date(2027, 11, 15), 3) == dt.date(2028, 2, 15)


def test_release_stops_reviews_and_starts_follow_ups(client, regional_manager, learner):
    learner.next_review_due_on = timezone.localdate() + dt.timedelta(days=5)
    learner.save()
    released_on = timezone.localdate() - dt.timedelta(days=1)
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:release_record", kwargs={"pk": learner.pk}),
        {
            "released_on": released_on.isoformat(),
            "release_type": "hdc",
            "area": "Sheffield",
            "support_agreed": "Phone weekly",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.custody_status == "released"
    assert learner.next_review_due_on is None
    release = Release.objects.get(learner=learner)
    assert release.get_release_type_display() == "Home detention curfew"
    assert list(FollowUp.objects.filter(learner=learner).values_list("months", "due_on")) == [
        (months, due) for months, due in follow_up_schedule(released_on)
    ]
    change = StatusChange.objects.get(learner=learner)
    assert (change.from_status, change.to_status) == ("in_custody", "released")
    assert TimelineEvent.objects.filter(learner=learner, kind="release").exists()
    assert AuditEvent.objects.filter(action="resettlement.release.record").count() == 1
    page = client.get(
        reverse("resettlement:release_overview", kwargs={"pk": learner.pk})
    ).content.decode()
    assert "Sheffield" in page
    assert "24 months" in page


def test_release_form_errors(client, regional_manager, learner):
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:release_record", kwargs={"pk": learner.pk}),
        {"released_on": "2999-01-01", "area": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The release date must be today or in the past" in page
    assert "Select the type of release" in page
    assert "Enter the release area" in page
    learner.refresh_from_db()
    assert learner.custody_status == "in_custody"
    assert not Release.objects.exists()


def test_released_learner_cannot_be_released_again(regional_manager, released):
    with pytest.raises(ValidationError):
        services.release_record(
            actor=regional_manager,
            learner=released,
            released_on=timezone.localdate(),
            release_type="licence",
            area="Hull",
        )
    assert Release.objects.count() == 1


def test_return_to_custody_is_recorded_and_counted_as_an_outcome(
    client, regional_manager, released
):
    returned_on = timezone.localdate() - dt.timedelta(days=2)
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:custody_return", kwargs={"pk": released.pk}),
        {"returned_on": returned_on.isoformat(), "reason": "Recalled"},
    )
    assert response.status_code == 302
    released.refresh_from_db()
    assert released.custody_status == "returned_to_custody"
    release = Release.objects.get(learner=released)
    assert release.returned_to_custody_on == returned_on
    # The first open follow-up holds the outcome; the later ones are dropped.
    follow_up = FollowUp.objects.get(learner=released)
    assert follow_up.months == 1
    assert follow_up.confirmed_on == returned_on
    assert list(Outcome.objects.filter(learner=released).values_list("kind", flat=True)) == [
        "returned_to_custody"
    ]
    page = client.get(
        reverse("resettlement:release_overview", kwargs={"pk": released.pk})
    ).content.decode()
    assert "Returned to custody on" in page
    # Then released again: a new schedule.
    services.release_record(
        actor=regional_manager,
        learner=released,
        released_on=timezone.localdate(),
        release_type="end_of_sentence",
        area="Hull",
    )
    assert FollowUp.objects.filter(learner=released, confirmed_on__isnull=True).count() == 5


def test_return_before_release_is_refused(client, regional_manager, released):
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:custody_return", kwargs={"pk": released.pk}),
        {"returned_on": "2000-01-01"},
    )
    assert response.status_code == 200
    assert "on or after the release date" in response.content.decode()
    released.refresh_from_db()
    assert released.custody_status == "released"


def test_return_without_release_is_refused(client, regional_manager, learner):
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:custody_return", kwargs={"pk": learner.pk}),
        {"returned_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "no release" in response.content.decode()


def test_support_contact_with_restricted_note(client, regional_manager, tutor, released):
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:contact_add", kwargs={"pk": released.pk}),
        {
            "contacted_on": timezone.localdate().isoformat(),
            "method": "in_person",
            "with_whom": "Learner and probation officer",
            "summary": "Met at the hub",
            "next_step": "CV review",
            "restricted_note": "Relapse risk discussed",
        },
    )
    assert response.status_code == 302
    contact = SupportContact.objects.get()
    assert contact.recorded_by == regional_manager
    entry = TimelineEvent.objects.get(learner=released, kind="contact")
    assert "Relapse" not in entry.summary
    url = reverse("resettlement:release_overview", kwargs={"pk": released.pk})
    assert "Relapse risk discussed" in client.get(url).content.decode()
    client.force_login(tutor)
    page = client.get(url).content.decode()
    assert "Met at the hub" in page
    assert "Relapse risk discussed" not in page


def test_support_contact_form_errors(client, regional_manager, released):
    client.force_login(regional_manager)
    response = client.post(reverse("resettlement:contact_add", kwargs={"pk": released.pk}), {})
    assert response.status_code == 200
    page = response.content.decode()
    for message in (
        "Enter the date of contact",
        "Select how the contact happened",
        "Enter who was contacted",
        "Enter a summary of the contact",
    ):
        assert message in page
    assert not SupportContact.objects.exists()
