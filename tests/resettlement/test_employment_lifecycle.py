"""The employment lifecycle for regional managers (issue 16): edit employers,
opportunities and mentors; close and reopen opportunities, with the change on
each applicant's timeline; pause and resume mentors; mentors matched with
graduates unless a reason is given."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import CourseStatus, TimelineEvent
from resettlement import selectors, services
from resettlement.models import Employer, Mentor, MentorMatch, Opportunity


@pytest.fixture
def employer():
    return Employer.objects.create(name="Humber Digital", sector="Software")


@pytest.fixture
def opportunity(employer):
    return Opportunity.objects.create(
        employer=employer, role="Apprentice developer", kind="apprenticeship", location="Hull"
    )


@pytest.fixture
def mentor():
    return Mentor.objects.create(name="Grace", skills="Python")


def test_an_rm_edits_an_employer_and_the_change_is_audited(client, regional_manager, employer):
    client.force_login(regional_manager)
    url = reverse("resettlement:employer_edit", args=[employer.pk])
    assert client.get(url).context["form"].initial["name"] == "Humber Digital"
    response = client.post(
        url,
        {
            "name": "Humber Digital Ltd",
            "sector": "Software",
            "contact_email": "jobs@humber.example",
            "hired_with_convictions": "yes",
        },
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.name, employer.contact_email) == ("Humber Digital Ltd", "jobs@humber.example")
    event = AuditEvent.objects.get(action="resettlement.employer.update")
    assert event.detail == {
        "fields": ["contact_email", "hired_with_convictions", "name"],
    }


def test_an_employer_cannot_take_another_employers_name(client, regional_manager, employer):
    Employer.objects.create(name="Leeds Code", sector="Software")
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:employer_edit", args=[employer.pk]),
        {"name": "leeds code", "sector": "Software", "hired_with_convictions": "no"},
    )
    assert "An employer with this name already exists" in response.content.decode()
    employer.refresh_from_db()
    assert employer.name == "Humber Digital"


def test_tutors_and_directors_cannot_edit(client, tutor, director, employer, opportunity, mentor):
    for user in (tutor, director):
        client.force_login(user)
        for url in (
            reverse("resettlement:employer_edit", args=[employer.pk]),
            reverse("resettlement:opportunity_close", args=[opportunity.pk]),
            reverse("resettlement:mentor_pause", args=[mentor.pk]),
        ):
            assert client.post(url, {"name": "X"}).status_code == 403
    opportunity.refresh_from_db()
    mentor.refresh_from_db()
    assert opportunity.closed_on is None and mentor.paused_on is None


def test_an_opportunity_is_edited_closed_and_reopened_with_history_on_the_timeline(
    client, regional_manager, learner, opportunity
):
    application = services.application_add(
        actor=regional_manager,
        learner=learner,
        opportunity=opportunity,
        introduced_on=timezone.localdate(),
    )
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:opportunity_edit", args=[opportunity.pk]),
        {"role": "Junior developer", "kind": "job", "location": "York"},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.role, opportunity.location) == ("Junior developer", "York")

    assert (
        client.post(reverse("resettlement:opportunity_close", args=[opportunity.pk])).status_code
        == 302
    )
    opportunity.refresh_from_db()
    assert opportunity.closed_on == timezone.localdate()
    assert opportunity not in selectors.open_opportunities()
    summaries = list(
        TimelineEvent.objects.filter(learner=learner, kind="application").values_list(
            "summary", flat=True
        )
    )
    assert "Junior developer at Humber Digital: opportunity closed" in summaries
    # The application itself carries on.
    application.refresh_from_db()
    assert application.status == "introduced"
    page = client.get(reverse("resettlement:employer_list")).content.decode()
    assert "Closed" in page and "Reopen" in page

    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("resettlement:opportunity_reopen", args=[opportunity.pk]), {"closing_on": past}
    )
    assert "The new closing date must be today or later" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.closed_on is not None
    client.post(reverse("resettlement:opportunity_reopen", args=[opportunity.pk]), {})
    opportunity.refresh_from_db()
    assert opportunity.closed_on is None
    assert opportunity in selectors.open_opportunities()
    assert TimelineEvent.objects.filter(
        learner=learner, summary="Junior developer at Humber Digital: opportunity reopened"
    ).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="resettlement.opportunity.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "resettlement.opportunity.update",
        "resettlement.opportunity.close",
        "resettlement.opportunity.reopen",
    ]


def test_nobody_is_introduced_to_a_closed_opportunity(regional_manager, learner, opportunity):
    services.opportunity_close(actor=regional_manager, opportunity=opportunity)
    with pytest.raises(ValidationError):
        services.application_add(
            actor=regional_manager,
            learner=learner,
            opportunity=opportunity,
            introduced_on=timezone.localdate(),
        )


def test_a_paused_mentor_keeps_matches_and_takes_no_new_ones(
    client, regional_manager, learner, mentor
):
    learner.course_status = CourseStatus.GRADUATED
    learner.save()
    services.mentor_match_add(
        actor=regional_manager, learner=learner, mentor=mentor, started_on=timezone.localdate()
    )
    client.force_login(regional_manager)
    client.post(reverse("resettlement:mentor_pause", args=[mentor.pk]))
    mentor.refresh_from_db()
    assert mentor.paused_on == timezone.localdate()
    assert MentorMatch.objects.filter(mentor=mentor, ended_on__isnull=True).count() == 1
    form = client.get(reverse("resettlement:mentor_match_add", args=[learner.pk])).context["form"]
    assert mentor not in form.fields["mentor"].queryset
    with pytest.raises(ValidationError):
        services.mentor_match_add(
            actor=regional_manager, learner=learner, mentor=mentor, started_on=timezone.localdate()
        )
    client.post(reverse("resettlement:mentor_resume", args=[mentor.pk]))
    mentor.refresh_from_db()
    assert mentor.paused_on is None


def test_a_mentor_is_edited(client, regional_manager, mentor):
    client.force_login(regional_manager)
    client.post(
        reverse("resettlement:mentor_edit", args=[mentor.pk]),
        {"name": "Grace Hopper", "skills": "Python, COBOL", "availability": "Evenings"},
    )
    mentor.refresh_from_db()
    assert (mentor.name, mentor.availability) == ("Grace Hopper", "Evenings")


def test_matches_are_with_graduates_unless_a_reason_is_given(regional_manager, learner, mentor):
    assert learner.course_status != CourseStatus.GRADUATED
    with pytest.raises(ValidationError) as refused:
        services.mentor_match_add(
            actor=regional_manager, learner=learner, mentor=mentor, started_on=timezone.localdate()
        )
    assert "non_graduate_reason" in refused.value.message_dict
    assert not MentorMatch.objects.exists()
    match = services.mentor_match_add(
        actor=regional_manager,
        learner=learner,
        mentor=mentor,
        started_on=timezone.localdate(),
        non_graduate_reason="  Agreed at the release planning meeting ",
    )
    assert match.non_graduate_reason == "Agreed at the release planning meeting"


def test_a_graduate_is_matched_without_a_reason_and_the_form_does_not_ask(
    client, regional_manager, learner, mentor
):
    learner.course_status = CourseStatus.GRADUATED
    learner.save()
    client.force_login(regional_manager)
    url = reverse("resettlement:mentor_match_add", args=[learner.pk])
    page = client.get(url).content.decode()
    assert "Why match a learner who has not graduated?" not in page
    response = client.post(url, {"mentor": mentor.pk, "started_on": timezone.localdate()})
    assert response.status_code == 302
    assert MentorMatch.objects.get().non_graduate_reason == ""


def test_employment_is_in_the_navigation_and_mentors_are_reachable(client, regional_manager):
    client.force_login(regional_manager)
    page = client.get(reverse("home")).content.decode()
    assert "Employment" in page
    employers = client.get(reverse("resettlement:employer_list")).content.decode()
    assert reverse("resettlement:mentor_list") in employers
    mentors = client.get(reverse("resettlement:mentor_list"))
    nav = mentors.context["navigation"]
    assert [item["label"] for item in nav if item["active"]] == ["Employment"]
