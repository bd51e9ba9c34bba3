"""OMU staff see only name, prison number, prison, expected release date, course
status and the plan: plant marker text everywhere else, then open every page they
can reach and look for it."""

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from learners.models import TimelineKind
from learners.timeline import timeline_record
from resettlement import services
from resettlement.models import Employer, Mentor, Opportunity
from tests.clients import StaffClient
from tests.routes import Who, all_routes

MARKER = "ZQXMARKER"


def _plant(world) -> None:
    rm = world.users[Who.RM]
    today = timezone.localdate()
    for learner in (world.learner, world.extra["released"]):
        # Review-like and intake-like entries on the timeline.
        timeline_record(
            learner=learner, kind=TimelineKind.REVIEW, summary=f"Review notes {MARKER}", actor=rm
        )
        timeline_record(
            learner=learner,
            kind=TimelineKind.INTAKE,
            summary=f"Intake recovery {MARKER}",
            actor=rm,
            restricted=True,
        )
        services.support_contact_add(
            actor=rm,
            learner=learner,
            contacted_on=today,
            method="phone",
            with_whom=f"Probation {MARKER}",
            summary=f"Support summary {MARKER}",
            next_step=f"Next {MARKER}",
            restricted_note=f"Restricted {MARKER}",
        )
        employer = Employer.objects.create(name=f"Employer {learner.pk}", sector="IT")
        opportunity = Opportunity.objects.create(
            employer=employer, role="Dev", kind="job", location="Hull"
        )
        services.application_add(
            actor=rm,
            learner=learner,
            opportunity=opportunity,
            introduced_on=today,
            notes=f"Application {MARKER}",
        )
        services.mentor_match_add(
            actor=rm,
            learner=learner,
            mentor=Mentor.objects.create(name="Mentor", skills="Go"),
            started_on=today,
            notes=f"Mentoring {MARKER}",
            non_graduate_reason="Agreed before graduation",
        )
    # Release details and outcomes for the consenting learner too.
    services.release_record(
        actor=rm,
        learner=world.learner,
        released_on=today - dt.timedelta(days=40),
        release_type="parole",
        area=f"Area {MARKER}",
        support_agreed=f"Support agreed {MARKER}",
    )
    follow_up = world.learner.follow_ups.order_by("months").first()
    services.follow_up_record(
        actor=rm,
        follow_up=follow_up,
        confirmed_on=today,
        source="learner",
        outcomes=[
            {
                "kind": "employed_tech",
                "role": f"Role {MARKER}",
                "employer_name": f"Employer {MARKER}",
                "tech_level": "junior",
            },
            {"kind": "other_priorities", "detail": f"Recovery {MARKER}"},
        ],
    )


def _reachable_pages(world, omu) -> list[str]:
    urls = [reverse("home")]
    for route in all_routes():
        if not route.page:
            continue
        try:
            urls.append(reverse(route.name, kwargs=route.kwargs(world)) + route.query)
        except NoReverseMatch:
            continue
    return urls


@pytest.mark.django_db
def test_no_marker_on_any_page_omu_can_reach(world):
    _plant(world)
    omu = world.users[Who.OMU]
    client = StaffClient()
    client.force_login(omu)
    opened = 0
    for url in _reachable_pages(world, omu):
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        assert MARKER not in response.content.decode(), f"{url} shows restricted text to OMU"
    # The crawl really opened the OMU's pages: home, shared list, plan, comment and update forms.
    assert opened >= 5
    # And the marker is there for the regional manager, so the test can fail.
    client.force_login(world.users[Who.RM])
    page = client.get(
        reverse("resettlement:release_overview", kwargs={"pk": world.learner.pk})
    ).content.decode()
    assert f"Support summary {MARKER}" in page
    assert f"Restricted {MARKER}" in page


@pytest.mark.django_db
def test_tutor_never_sees_restricted_support_notes_or_recovery_detail(world):
    _plant(world)
    client = StaffClient()
    client.force_login(world.users[Who.TUTOR])
    page = client.get(
        reverse("resettlement:release_overview", kwargs={"pk": world.learner.pk})
    ).content.decode()
    assert f"Support summary {MARKER}" in page
    assert f"Restricted {MARKER}" not in page
    assert f"Recovery {MARKER}" not in page


def test_omu_summary_card_shows_identity_only(client, plan, omu, tutor, regional_manager):
    learner = plan.learner
    learner.tutor = tutor
    learner.save(update_fields=["tutor"])
    client.force_login(omu)
    page = client.get(reverse("resettlement:plan", kwargs={"pk": learner.pk})).content.decode()
    assert learner.prison_number in page
    assert "Expected release" in page
    assert "Tom Tutor" not in page
    assert "In custody" not in page
    client.force_login(regional_manager)
    page = client.get(reverse("resettlement:plan", kwargs={"pk": learner.pk})).content.decode()
    assert "Tom Tutor" in page
    assert "In custody" in page
