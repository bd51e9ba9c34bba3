"""Employers, opportunities and each learner's application pipeline."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from resettlement import services
from resettlement.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationStatus,
    Employer,
    Mentor,
    MentorMatch,
    Opportunity,
)


@pytest.fixture
def opportunity():
    employer = Employer.objects.create(name="Humber Digital", sector="Software")
    return Opportunity.objects.create(
        employer=employer, role="Apprentice developer", kind="apprenticeship", location="Hull"
    )


@pytest.fixture
def application(regional_manager, learner, opportunity):
    return services.application_add(
        actor=regional_manager,
        learner=learner,
        opportunity=opportunity,
        introduced_on=timezone.localdate(),
    )


def test_brokered_in_custody_through_to_started(client, regional_manager, learner, application):
    assert learner.custody_status == "in_custody"
    client.force_login(regional_manager)
    url = reverse(
        "resettlement:application_move", kwargs={"pk": learner.pk, "application_pk": application.pk}
    )
    today = timezone.localdate().isoformat()
    for status in ("applied", "interview", "offer", "started"):
        response = client.post(url, {"status": status, "on": today})
        assert response.status_code == 302, status
    application.refresh_from_db()
    assert application.status == "started"
    assert application.applied_on and application.interview_on and application.offer_on
    assert application.started_on == timezone.localdate()
    # Finished: nothing more to move to.
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (ApplicationStatus.APPLIED, True),
        (ApplicationStatus.WITHDRAWN, True),
        (ApplicationStatus.UNSUCCESSFUL, True),
        (ApplicationStatus.OFFER, False),
        (ApplicationStatus.STARTED, False),
        (ApplicationStatus.INTERVIEW, False),
    ],
)
def test_moves_from_introduced(regional_manager, application, status, allowed):
    assert (status in APPLICATION_TRANSITIONS["introduced"]) is allowed
    if allowed:
        services.application_move(
            actor=regional_manager, application=application, status=status, on=timezone.localdate()
        )
        application.refresh_from_db()
        assert application.status == status
    else:
        with pytest.raises(ValidationError):
            services.application_move(
                actor=regional_manager,
                application=application,
                status=status,
                on=timezone.localdate(),
            )
        application.refresh_from_db()
        assert application.status == "introduced"


def test_closed_applications_cannot_move(regional_manager, application):
    services.application_move(
        actor=regional_manager, application=application, status="withdrawn", on=timezone.localdate()
    )
    application.refresh_from_db()
    assert application.closed_on == timezone.localdate()
    for status in ApplicationStatus.values:
        with pytest.raises(ValidationError):
            services.application_move(
                actor=regional_manager,
                application=application,
                status=status,
                on=timezone.localdate(),
            )


def test_move_form_offers_only_allowed_moves(client, regional_manager, learner, application):
    client.force_login(regional_manager)
    url = reverse(
        "resettlement:application_move", kwargs={"pk": learner.pk, "application_pk": application.pk}
    )
    response = client.post(url, {"status": "started", "on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(url, {"status": "applied", "on": "2000-01-01"})
    assert "on or after the date introduced" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "introduced"


def test_application_form_errors(client, regional_manager, learner, application, opportunity):
    client.force_login(regional_manager)
    url = reverse("resettlement:application_add", kwargs={"pk": learner.pk})
    response = client.post(url, {})
    page = response.content.decode()
    assert "Choose an opportunity" in page
    assert "Enter the date introduced" in page
    response = client.post(
        url, {"opportunity": opportunity.pk, "introduced_on": timezone.localdate().isoformat()}
    )
    assert "already has an application for this role" in response.content.decode()
    assert Application.objects.count() == 1


def test_employer_and_opportunity_added_by_rm(client, regional_manager, tutor):
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:employer_add"),
        {
            "name": "Leeds Code Co",
            "sector": "Software",
            "contact_email": "jobs@example.org",
            "hired_with_convictions": "yes",
        },
    )
    assert response.status_code == 302
    employer = Employer.objects.get(name="Leeds Code Co")
    response = client.post(
        reverse("resettlement:opportunity_add", kwargs={"employer_pk": employer.pk}),
        {
            "role": "Support engineer",
            "kind": "job",
            "location": "Leeds",
            "closing_on": "2031-05-01",
        },
    )
    assert response.status_code == 302
    client.force_login(tutor)
    page = client.get(reverse("resettlement:employer_list")).content.decode()
    assert "Support engineer" in page
    assert "Leeds Code Co" in page


def test_employer_form_errors(client, regional_manager, opportunity):
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:employer_add"),
        {"name": "humber digital", "contact_email": "nope"},
    )
    page = response.content.decode()
    assert "An employer with this name already exists" in page
    assert "Enter the sector" in page
    assert "Enter an email address in the correct format" in page
    response = client.post(
        reverse("resettlement:opportunity_add", kwargs={"employer_pk": opportunity.employer_id}),
        {},
    )
    page = response.content.decode()
    assert "Enter the role" in page
    assert "Select the type of opportunity" in page
    assert "Enter the location" in page


def test_mentor_added_and_matched(client, regional_manager, released):
    client.force_login(regional_manager)
    client.post(
        reverse("resettlement:mentor_add"),
        {"name": "Grace", "organisation": "Tech North", "skills": "Python, careers"},
    )
    mentor = Mentor.objects.get(name="Grace")
    url = reverse("resettlement:mentor_match_add", kwargs={"pk": released.pk})
    response = client.post(
        url, {"mentor": mentor.pk, "started_on": "2026-01-10", "ended_on": "2026-01-01"}
    )
    assert "The end date must be on or after the start date" in response.content.decode()
    response = client.post(
        url, {"mentor": mentor.pk, "started_on": "2026-01-10", "notes": "Fortnightly"}
    )
    assert "has not graduated: give the reason" in response.content.decode()
    assert not MentorMatch.objects.exists()
    response = client.post(
        url,
        {
            "mentor": mentor.pk,
            "started_on": "2026-01-10",
            "notes": "Fortnightly",
            "non_graduate_reason": "Agreed with the learner before release",
        },
    )
    assert response.status_code == 302
    assert MentorMatch.objects.get().learner == released
    page = client.get(reverse("resettlement:mentor_list")).content.decode()
    assert "Tech North" in page
    response = client.post(reverse("resettlement:mentor_add"), {})
    page = response.content.decode()
    assert "Enter the mentor&#x27;s name" in page or "Enter the mentor's name" in page


def test_mentor_match_ended(client, regional_manager, released):
    mentor = Mentor.objects.create(name="Hal", skills="Go")
    match = services.mentor_match_add(
        actor=regional_manager,
        learner=released,
        mentor=mentor,
        started_on=timezone.localdate(),
        non_graduate_reason="Agreed before graduation",
    )
    client.force_login(regional_manager)
    url = reverse("resettlement:mentor_match_end", kwargs={"pk": released.pk, "match_pk": match.pk})
    response = client.post(url, {"ended_on": "2000-01-01"})
    assert "on or after the start date" in response.content.decode()
    response = client.post(url, {"ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.ended_on == timezone.localdate()
