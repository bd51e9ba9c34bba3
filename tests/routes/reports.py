"""Who may open the reports pages. Dashboard and partner reports: directors and
administrators (who read as directors); making reports and the impact CSV:
directors. The caseload CSV and the learner progress PDF: anyone who may read
learner records, scoped by prison (OMU staff may not)."""

import datetime as dt

from learners.models import ConsentKind
from reports.models import CaseStudy, CaseStudyStatus, Partner, ReportRun, RunStatus
from reviews.models import Review, ReviewStatus, Skill, SkillRating
from tests.factories import ConsentFactory, LearnerFactory
from tests.routes import LOGIN, REDIRECT, Route, Who, everyone

READERS = {"director": 200, "admin": 200}


def build(world) -> None:
    run = ReportRun.objects.create(
        partner=Partner.MOJ,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        params_key="route-matrix-run",
        status=RunStatus.RUNNING,
        progress=40,
    )
    run.prisons.set([world.prison])
    world.extra["report_run"] = run
    # The world's learner gave no case-study consent (tests that need one add it): its
    # start page shows the refusal. A second learner at the same prison gave one, has
    # skill ratings and words of their own in a held review, so the start form and the
    # case study pages (with the skills chart) are opened, and scanned, filled in.
    rm = world.users[Who.RM]
    consenting = LearnerFactory(
        prison=world.prison,
        first_name="Robin",
        last_name="Hale",
        tutor=world.users[Who.TUTOR],
        joined_on=dt.date(2025, 1, 6),
    )
    ConsentFactory(learner=consenting)
    ConsentFactory(learner=consenting, kind=ConsentKind.CASE_STUDY)
    review = Review.objects.create(
        learner=consenting,
        status=ReviewStatus.COMPLETE,
        held_on=dt.date(2025, 9, 8),
        learner_words="I never thought I could build a website, and now I have built three.",
    )
    for skill, start, now in ((Skill.TEAMWORK, 1, 3), (Skill.COMMUNICATION, 2, 4)):
        SkillRating.objects.create(
            learner=consenting, skill=skill, rating=start, rated_on=dt.date(2025, 1, 6)
        )
        SkillRating.objects.create(
            learner=consenting, review=review, skill=skill, rating=now, rated_on=review.held_on
        )
    world.extra["case_study_learner"] = consenting
    world.extra["case_study_draft"] = CaseStudy.objects.create(
        learner=consenting,
        title="From first line of code to a first job",
        # Names the learner: a director's approval is refused (the route redirects back).
        body="## Their time on the course\n\nRobin studied with us for eight months.",
        author=rm,
    )
    world.extra["case_study_approved"] = CaseStudy.objects.create(
        learner=consenting,
        title="A second chance in tech",
        body="They studied with us for a year.\n\n> I never thought I could build a website.",
        author=rm,
        status=CaseStudyStatus.APPROVED,
        decided_by=world.users[Who.DIRECTOR],
    )


def _draft(world) -> dict:
    return {"pk": world.extra["case_study_draft"].pk}


def _approved(world) -> dict:
    return {"pk": world.extra["case_study_approved"].pk}


# Case studies: written by regional managers, approved by directors, scoped by prison.
CASE_STUDY_READERS = {"rm": 200, "director": 200, "other_prison": 404}


def _run(world) -> dict:
    return {"run_id": world.extra["report_run"].pk}


ROUTES = [
    Route("reports:dashboard", get=everyone(403, **READERS)),
    Route("reports:impact_csv", get=everyone(403, director=200), page=False),
    Route("reports:caseload_csv", get=everyone(200, omu=403), page=False),
    Route(
        "reports:partner_list",
        get=everyone(403, **READERS),
        # An empty form comes back with its errors (400) for a director.
        post=everyone(403, director=400, anonymous=LOGIN),
    ),
    Route("reports:partner_detail", get=everyone(403, **READERS), kwargs=_run),
    Route(
        "reports:partner_regenerate",
        get=everyone(405, anonymous=LOGIN),
        # The run is still being made: the director is sent back to it, unchanged.
        post=everyone(403, director=REDIRECT, anonymous=LOGIN),
        kwargs=_run,
        page=False,
    ),
    # Not ready yet: 404 for those who may see reports.
    Route(
        "reports:partner_download",
        get=everyone(403, director=404, admin=404),
        kwargs=_run,
        page=False,
    ),
    Route(
        "reports:learner_progress_pdf",
        get=everyone(200, omu=403, other_prison=404),
        kwargs=lambda world: {"pk": world.learner.pk},
        page=False,
    ),
    Route(
        "reports:case_study_list",
        get=everyone(403, rm=200, director=200, other_prison=200),
    ),
    # The world's learner gave no case-study consent: the page says why it cannot start.
    Route(
        "reports:case_study_start",
        get=everyone(403, rm=200, other_prison=404),
        # Refused before the form is read: the page comes back with the reason.
        post=everyone(403, rm=400, other_prison=404, anonymous=LOGIN),
        kwargs=lambda world: {"pk": world.learner.pk},
    ),
    # A consenting learner: the form, with their own words to quote.
    Route(
        "reports:case_study_start",
        get=everyone(403, rm=200, other_prison=404),
        # No title: the form comes back with its errors.
        post=everyone(403, rm=400, other_prison=404, anonymous=LOGIN),
        kwargs=lambda world: {"pk": world.extra["case_study_learner"].pk},
    ),
    Route("reports:case_study_detail", get=everyone(403, **CASE_STUDY_READERS), kwargs=_draft),
    Route(
        "reports:case_study_edit",
        get=everyone(403, rm=200, other_prison=404),
        post=everyone(403, rm=400, other_prison=404, anonymous=LOGIN),
        kwargs=_draft,
    ),
    Route(
        "reports:case_study_approve",
        get=everyone(405, anonymous=LOGIN),
        # The draft still names the learner: refused, and the director is sent back to it.
        post=everyone(403, director=REDIRECT, anonymous=LOGIN),
        kwargs=_draft,
        page=False,
    ),
    Route(
        "reports:case_study_return",
        get=everyone(405, anonymous=LOGIN),
        # No note: the case study page comes back with the error.
        post=everyone(403, director=400, anonymous=LOGIN),
        kwargs=_draft,
        page=False,
    ),
    Route(
        "reports:case_study_pdf",
        get=everyone(403, **CASE_STUDY_READERS),
        kwargs=_approved,
        page=False,
    ),
    Route(
        "reports:case_study_markdown",
        get=everyone(403, **CASE_STUDY_READERS),
        kwargs=_approved,
        page=False,
    ),
    # The Justice Data Lab: directors only. An empty form comes back with its errors.
    Route(
        "reports:justice_data_lab",
        get=everyone(403, director=200),
        post=everyone(403, director=400, anonymous=LOGIN),
    ),
    Route(
        "reports:justice_data_lab_result",
        get=everyone(405, anonymous=LOGIN),
        post=everyone(403, director=400, anonymous=LOGIN),
        page=False,
    ),
]

# Pages for learners themselves (issue 18): open to anybody, staff or not, and
# the same for all of them. The link's page shows the date-of-birth question for
# any token (an empty answer comes back with its error); the pages after it need
# the session a matching date of birth opens, so without one they are not found.
ANYBODY = dict.fromkeys(Who, 200)
NOBODY_WITHOUT_A_LINK = dict.fromkeys(Who, 404)
NO_POST = dict.fromkeys(Who, 405)
ROUTES += [
    Route(
        "own:start",
        get=ANYBODY,
        post=ANYBODY,
        kwargs=lambda world: {"token": "not-a-real-token"},
        page=False,
    ),
    Route("own:report", get=NOBODY_WITHOUT_A_LINK, post=NOBODY_WITHOUT_A_LINK, page=False),
    Route("own:thanks", get=NOBODY_WITHOUT_A_LINK, post=NO_POST, page=False),
    Route("own:progress", get=NOBODY_WITHOUT_A_LINK, post=NO_POST, page=False),
    Route("own:progress_pdf", get=NOBODY_WITHOUT_A_LINK, post=NO_POST, page=False),
    Route("own:ended", get=ANYBODY, post=NO_POST, page=False),
]
