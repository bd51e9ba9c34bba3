"""Who may open each resettlement page. The plan is open to OMU staff of the
learner's prison while the learner's sharing consent stands; the release,
outcome, support, job and mentor pages are Code4000's own (never OMU)."""

import datetime as dt
from itertools import count

from django.utils import timezone

from resettlement import services
from resettlement.models import (
    ActionOwner,
    Employer,
    Mentor,
    Opportunity,
    Outcome,
    OutcomeKind,
    Pathway,
    SupportContact,
)
from tests.factories import LearnerFactory
from tests.routes import REDIRECT, Route, Who, everyone

_numbers = count(1)


def build(world) -> None:
    rm = world.users[Who.RM]
    today = timezone.localdate()
    plan = services.plan_start(actor=rm, learner=world.learner)
    pathway = plan.pathways.get(pathway=Pathway.ACCOMMODATION)
    world.extra["prison_action"] = services.action_add(
        actor=rm,
        pathway=pathway,
        description="Book a housing appointment",
        owner_organisation=ActionOwner.PRISON,
    )
    released = LearnerFactory(prison=world.prison, first_name="Robin", last_name="Released")
    services.release_record(
        actor=rm,
        learner=released,
        released_on=today - dt.timedelta(days=100),
        release_type="licence",
        area="Hull",
    )
    world.extra["released"] = released
    world.extra["follow_up"] = released.follow_ups.order_by("months").first()
    employer = Employer.objects.create(name="Humber Digital", sector="Software")
    opportunity = Opportunity.objects.create(
        employer=employer, role="Junior developer", kind="job", location="Hull"
    )
    world.extra["employer"] = employer
    world.extra["opportunity"] = opportunity
    world.extra["application"] = services.application_add(
        actor=rm, learner=world.learner, opportunity=opportunity, introduced_on=today
    )
    second = Opportunity.objects.create(
        employer=employer, role="Data apprentice", kind="apprenticeship", location="Hull"
    )
    closed = services.application_add(
        actor=rm, learner=released, opportunity=second, introduced_on=today
    )
    world.extra["closed_application"] = services.application_close(
        actor=rm, application=closed, status="withdrawn", on=today
    )
    world.extra["mentor"] = Mentor.objects.create(name="Mo Mentor", skills="Python")
    world.extra["paused_mentor"] = Mentor.objects.create(
        name="Pat Paused", skills="SQL", paused_on=today
    )
    world.extra["closed_opportunity"] = Opportunity.objects.create(
        employer=employer,
        role="Data apprentice",
        kind="apprenticeship",
        location="Leeds",
        closed_on=today,
    )
    world.extra["match"] = services.mentor_match_add(
        actor=rm,
        learner=released,
        mentor=world.extra["mentor"],
        started_on=today,
        non_graduate_reason="Agreed at the release planning meeting",
    )
    _attach_restricted(world, released)


def _attach_restricted(world, released) -> None:
    """Restricted text on a release's support contact and on a recorded follow-up
    (issue 13 item 1), so the marker crawl meets them on every page that lists them."""
    rm = world.users[Who.RM]
    today = timezone.localdate()
    services.support_contact_add(
        actor=rm,
        learner=released,
        contacted_on=today,
        method="phone",
        with_whom="Probation officer",
        summary="Checked in",
        restricted_note="Asked about recovery meetings",
    )
    later = released.follow_ups.order_by("months")[1]
    services.follow_up_record(
        actor=rm,
        follow_up=later,
        confirmed_on=today,
        source="learner",
        outcomes=[{"kind": OutcomeKind.OTHER_PRIORITIES, "detail": "Recovery first"}],
    )


def plant_restricted(world, tag: str) -> list[str]:
    """Restricted text on rows that are not restricted themselves: a support
    contact's restricted note and the detail of an "other priorities" outcome."""
    note, detail = f"{tag}contactnote", f"{tag}outcomedetail"
    SupportContact.objects.filter(learner__prison=world.prison).exclude(restricted_note="").update(
        restricted_note=note
    )
    Outcome.objects.filter(learner__prison=world.prison, kind=OutcomeKind.OTHER_PRIORITIES).update(
        detail=detail
    )
    return [note, detail]


def _learner(world):
    return {"pk": world.learner.pk}


def _released(world):
    return {"pk": world.extra["released"].pk}


def _today() -> str:
    return timezone.localdate().isoformat()


# Learner pages: the RM changes; tutors, directors and admins read; other prison 404.
RM_ONLY = everyone(403, rm=200, other_prison=404)
RM_ONLY_POST = everyone(403, rm=REDIRECT, other_prison=404)
READERS_NOT_OMU = everyone(200, omu=403, other_prison=404)
DIRECTORY = everyone(200, omu=403)
DIRECTORY_CHANGE = everyone(403, rm=200, other_prison=200)
DIRECTORY_CHANGE_POST = everyone(403, rm=REDIRECT, other_prison=REDIRECT)

ROUTES = [
    Route("resettlement:shared_list", get=everyone(200)),
    Route("resettlement:plan", get=everyone(200, other_prison=404), kwargs=_learner),
    Route(
        "resettlement:plan_start",
        get=everyone(405),
        post=RM_ONLY_POST,
        kwargs=_learner,
        page=False,
    ),
    Route(
        "resettlement:pathway_edit",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {"pk": world.learner.pk, "pathway": Pathway.HEALTH},
        post_data=lambda world: {"status": "in_progress"},
    ),
    Route(
        "resettlement:action_add",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {"pk": world.learner.pk, "pathway": Pathway.FINANCE_ID},
        post_data=lambda world: {
            "description": "Open a bank account",
            "owner_organisation": "code4000",
            "status": "not_started",
        },
    ),
    Route(
        "resettlement:action_edit",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {"pk": world.learner.pk, "action_pk": world.extra["prison_action"].pk},
        post_data=lambda world: {
            "description": "Book a housing appointment",
            "owner_organisation": "prison",
            "status": "in_progress",
        },
    ),
    Route(
        "resettlement:action_update_add",
        get=everyone(403, rm=200, omu=200, other_prison=404),
        post=everyone(403, rm=REDIRECT, omu=REDIRECT, other_prison=404),
        kwargs=lambda world: {"pk": world.learner.pk, "action_pk": world.extra["prison_action"].pk},
        post_data=lambda world: {
            "written_on": _today(),
            "text": "Appointment booked",
            "status": "in_progress",
        },
    ),
    Route(
        "resettlement:comment_add",
        get=everyone(403, rm=200, omu=200, other_prison=404),
        post=everyone(403, rm=REDIRECT, omu=REDIRECT, other_prison=404),
        kwargs=_learner,
        post_data=lambda world: {"text": "Seen by the OMU"},
    ),
    Route("resettlement:release_overview", get=READERS_NOT_OMU, kwargs=_learner),
    Route(
        "resettlement:release_record",
        get=everyone(403, rm=200, omu=403, other_prison=404),
        post=RM_ONLY_POST,
        kwargs=_learner,
        post_data=lambda world: {
            "released_on": _today(),
            "release_type": "licence",
            "area": "Leeds",
        },
    ),
    Route(
        "resettlement:custody_return",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=_released,
        post_data=lambda world: {"returned_on": _today()},
    ),
    Route(
        "resettlement:follow_up_record",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {
            "pk": world.extra["released"].pk,
            "follow_up_pk": world.extra["follow_up"].pk,
        },
        post_data=lambda world: {
            "confirmed_on": _today(),
            "source": "learner",
            "kinds": ["volunteering", "training"],
        },
    ),
    Route(
        "resettlement:contact_add",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=_released,
        post_data=lambda world: {
            "contacted_on": _today(),
            "method": "phone",
            "with_whom": "Robin",
            "summary": "Settling in",
        },
    ),
    Route(
        "resettlement:application_add",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=_released,
        post_data=lambda world: {
            "opportunity": world.extra["opportunity"].pk,
            "introduced_on": _today(),
        },
    ),
    Route(
        "resettlement:application_move",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {
            "pk": world.learner.pk,
            "application_pk": world.extra["application"].pk,
        },
        post_data=lambda world: {"status": "applied", "on": _today()},
    ),
    Route(
        "resettlement:application_edit",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {
            "pk": world.learner.pk,
            "application_pk": world.extra["application"].pk,
        },
        post_data=lambda world: {"status": "applied", "on": _today(), "notes": "CV sent"},
    ),
    Route(
        "resettlement:application_close",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {
            "pk": world.learner.pk,
            "application_pk": world.extra["application"].pk,
        },
        post_data=lambda world: {"status": "withdrawn", "on": _today()},
    ),
    Route(
        "resettlement:application_reopen",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {
            "pk": world.extra["released"].pk,
            "application_pk": world.extra["closed_application"].pk,
        },
        post_data=lambda world: {"reason": "The employer called back"},
    ),
    Route(
        "resettlement:mentor_match_add",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=_released,
        post_data=lambda world: {
            "mentor": world.extra["mentor"].pk,
            "started_on": _today(),
            "non_graduate_reason": "Mentoring agreed at the release planning meeting",
        },
    ),
    Route(
        "resettlement:mentor_match_end",
        get=RM_ONLY,
        post=RM_ONLY_POST,
        kwargs=lambda world: {
            "pk": world.extra["released"].pk,
            "match_pk": world.extra["match"].pk,
        },
        post_data=lambda world: {"ended_on": _today()},
    ),
    Route("resettlement:employer_list", get=DIRECTORY),
    Route(
        "resettlement:employer_add",
        get=DIRECTORY_CHANGE,
        post=DIRECTORY_CHANGE_POST,
        post_data=lambda world: {
            "name": f"Employer {next(_numbers)}",
            "sector": "Software",
            "hired_with_convictions": "yes",
        },
    ),
    Route(
        "resettlement:opportunity_add",
        get=DIRECTORY_CHANGE,
        post=DIRECTORY_CHANGE_POST,
        kwargs=lambda world: {"employer_pk": world.extra["employer"].pk},
        post_data=lambda world: {"role": "Tester", "kind": "placement", "location": "York"},
    ),
    Route("resettlement:mentor_list", get=DIRECTORY),
    Route(
        "resettlement:mentor_add",
        get=DIRECTORY_CHANGE,
        post=DIRECTORY_CHANGE_POST,
        post_data=lambda world: {"name": "Ada", "skills": "Django"},
    ),
]


# The employment lifecycle (issue 16): regional managers change; the others who
# see the directory are refused. A yes-or-no action posted a second time (the
# RM of the other prison, after the first) shows the form again with the reason.
SECOND_TIME = everyone(403, rm=REDIRECT, other_prison=200)
ROUTES += [
    Route(
        "resettlement:employer_edit",
        get=DIRECTORY_CHANGE,
        post=DIRECTORY_CHANGE_POST,
        kwargs=lambda world: {"employer_pk": world.extra["employer"].pk},
        post_data=lambda world: {
            "name": "Humber Digital Ltd",
            "sector": "Software",
            "hired_with_convictions": "yes",
        },
    ),
    Route(
        "resettlement:opportunity_edit",
        get=DIRECTORY_CHANGE,
        post=DIRECTORY_CHANGE_POST,
        kwargs=lambda world: {"opportunity_pk": world.extra["opportunity"].pk},
        post_data=lambda world: {"role": "Junior developer", "kind": "job", "location": "York"},
    ),
    Route(
        "resettlement:opportunity_close",
        get=DIRECTORY_CHANGE,
        post=SECOND_TIME,
        kwargs=lambda world: {"opportunity_pk": world.extra["opportunity"].pk},
    ),
    Route(
        "resettlement:opportunity_reopen",
        get=DIRECTORY_CHANGE,
        post=SECOND_TIME,
        kwargs=lambda world: {"opportunity_pk": world.extra["closed_opportunity"].pk},
    ),
    Route(
        "resettlement:mentor_edit",
        get=DIRECTORY_CHANGE,
        post=DIRECTORY_CHANGE_POST,
        kwargs=lambda world: {"mentor_pk": world.extra["mentor"].pk},
        post_data=lambda world: {"name": "Mo Mentor", "skills": "Python, Django"},
    ),
    Route(
        "resettlement:mentor_pause",
        get=DIRECTORY_CHANGE,
        post=SECOND_TIME,
        kwargs=lambda world: {"mentor_pk": world.extra["mentor"].pk},
    ),
    Route(
        "resettlement:mentor_resume",
        get=DIRECTORY_CHANGE,
        post=SECOND_TIME,
        kwargs=lambda world: {"mentor_pk": world.extra["paused_mentor"].pk},
    ),
]
