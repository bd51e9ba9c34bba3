from learners.intake_steps import STEPS
from learners.models import CaseNote, ImportRun, IntakeDraft, IntakeInterview, IntakeRestricted
from tests.routes import LOGIN, REDIRECT, Route, Who, everyone

INTAKE_STEPS = [step.slug for step in STEPS]

# Pages about one learner at `world.prison`: the learner record roles see it,
# OMU staff (identity and shared plan only) are refused, another prison gets 404.
LEARNER_PAGE = everyone(200, omu=403, other_prison=404)
# Changes to one learner: regional managers of the learner's prison only.
LEARNER_CHANGE = everyone(403, rm=200, other_prison=404)
# Enrolment and import: regional managers (of any prison).
ENROL = everyone(403, rm=200, other_prison=200)


def _learner(world) -> dict:
    return {"pk": world.learner.pk}


def build(world) -> None:
    # An import checked by the world's RM, with a bad row, so POST shows errors.
    world.extra["import_run"] = ImportRun.objects.create(
        uploaded_by=world.users[Who.RM],
        filename="learners.csv",
        content="prison_number,first_name,last_name,date_of_birth,prison,joined_on\n"
        "BAD,Jo,Bloggs,1990-01-01,HMI,2024-01-01\n",
        row_count=1,
        error_count=1,
    )
    # A restricted case note (issue 17 item 9): the crawl plants markers in it and
    # checks that tutors and OMU staff never see them.
    world.extra["case_note"] = CaseNote.objects.create(
        learner=world.learner,
        happened_on=world.learner.joined_on,
        text="Spoke about his recovery plan.",
        restricted=True,
        recorded_by=world.users[Who.RM],
    )
    # An intake in progress by the world's regional manager: every step but the
    # consents answered.
    IntakeDraft.objects.create(
        learner=world.learner,
        author=world.users[Who.RM],
        answers={
            "interview": {"held_on": world.learner.joined_on.isoformat()},
            "education": {"education": "GCSEs", "work_history": "", "coding_experience": ""},
            "ambitions": {"ambition_categories": ["tech_work"], "ambitions": ""},
            "support": {"support_needs": [], "reasonable_adjustments": ""},
            "priorities": {"priorities": [], "priorities_notes": ""},
            "restricted": {"health_priority": False, "health_notes": ""},
            "release": {"expected_release_on": None, "release_area": ""},
            "goals": [],
        },
    )


def plant_restricted(world, tag: str) -> list[str]:
    """An intake interview with restricted answers (issue 13 item 1): the intake
    page and its edit form must keep them from tutors. Made here, after the home
    markers, because those fill JSON answer lists with text the page cannot read."""
    intake = IntakeInterview.objects.create(
        learner=world.learner,
        held_on=world.learner.joined_on,
        conducted_by=world.users[Who.RM],
        education="GCSEs",
    )
    markers = [f"{tag}health", f"{tag}recovery", f"{tag}offending"]
    IntakeRestricted.objects.create(
        intake=intake,
        health_priority=True,
        health_notes=markers[0],
        recovery_notes=markers[1],
        offending_behaviour_notes=markers[2],
    )
    return markers


ROUTES = [
    Route("learners:list", get=everyone(200, omu=403)),
    Route("learners:enrol", get=ENROL, post=ENROL),
    Route("learners:import", get=ENROL, post=ENROL),
    Route(
        "learners:import_preview",
        get=everyone(403, rm=200, other_prison=404),
        post=everyone(403, rm=200, other_prison=404),
        kwargs=lambda world: {"pk": world.extra["import_run"].pk},
    ),
    Route("learners:detail", get=LEARNER_PAGE, kwargs=_learner),
    Route("learners:intake", get=LEARNER_PAGE, kwargs=_learner),
    Route("learners:timeline", get=LEARNER_PAGE, kwargs=_learner),
    Route("learners:edit", get=LEARNER_CHANGE, post=LEARNER_CHANGE, kwargs=_learner),
    # The intake interview in steps (issue 17 item 4): the old address starts or
    # resumes it; every step and "check your answers" is a page of its own.
    Route(
        "learners:intake_edit",
        get=everyone(403, rm=REDIRECT, other_prison=404),
        kwargs=_learner,
        page=False,
    ),
    *[
        Route(
            "learners:intake_step",
            get=LEARNER_CHANGE,
            # An empty POST: the date step and the goals (a formset without its
            # management form) refuse it; the other steps take it (every answer
            # there is optional) and move on.
            post=everyone(
                403, rm=200 if step in ("interview", "goals") else REDIRECT, other_prison=404
            ),
            kwargs=lambda world, step=step: {"pk": world.learner.pk, "step": step},
        )
        for step in INTAKE_STEPS
    ],
    # The world's regional manager has answered every step but one (build below),
    # so "check your answers" shows and a confirm says what is missing.
    Route(
        "learners:intake_check",
        get=LEARNER_CHANGE,
        post=LEARNER_CHANGE,
        kwargs=_learner,
    ),
    Route(
        "learners:intake_discard",
        get=everyone(405, anonymous=LOGIN),
        post=everyone(403, rm=REDIRECT, other_prison=404),
        kwargs=_learner,
        page=False,
    ),
    Route(
        "learners:status_change",
        get=LEARNER_CHANGE,
        post=LEARNER_CHANGE,
        kwargs=lambda world: {"pk": world.learner.pk, "field": "course"},
    ),
    Route("learners:transfer", get=LEARNER_CHANGE, post=LEARNER_CHANGE, kwargs=_learner),
    # Consents (issue 17 item 1): read like the record, changed by regional managers.
    Route("learners:consents", get=LEARNER_PAGE, kwargs=_learner),
    Route(
        "learners:consent_change",
        get=LEARNER_CHANGE,
        post=LEARNER_CHANGE,
        kwargs=lambda world: {"pk": world.learner.pk, "kind": "share_with_omu"},
    ),
    # Case notes (issue 17 item 9): read like the record, written by regional managers.
    Route("learners:case_notes", get=LEARNER_PAGE, kwargs=_learner),
    Route("learners:case_note_new", get=LEARNER_CHANGE, post=LEARNER_CHANGE, kwargs=_learner),
    Route(
        "learners:case_note_correction",
        get=LEARNER_CHANGE,
        post=LEARNER_CHANGE,
        kwargs=lambda world: {"pk": world.learner.pk, "note_pk": world.extra["case_note"].pk},
    ),
    # Issue 17 item 8: regional managers of the learner's prison, and administrators.
    Route(
        "learners:regional_manager_change",
        get=everyone(403, rm=200, admin=200, other_prison=404),
        post=everyone(403, rm=200, admin=200, other_prison=404),
        kwargs=_learner,
    ),
]
ROUTES.append(
    # Regional managers take on learners at their prisons who have none (issue 12).
    Route(
        "learners:needs_regional_manager",
        get=everyone(403, rm=200, other_prison=200),
        post=everyone(403, rm=200, other_prison=200),
    )
)
