from learners.models import ImportRun, IntakeInterview, IntakeRestricted
from tests.routes import Route, Who, everyone

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
    Route("learners:intake_edit", get=LEARNER_CHANGE, post=LEARNER_CHANGE, kwargs=_learner),
    Route(
        "learners:status_change",
        get=LEARNER_CHANGE,
        post=LEARNER_CHANGE,
        kwargs=lambda world: {"pk": world.learner.pk, "field": "course"},
    ),
    Route("learners:transfer", get=LEARNER_CHANGE, post=LEARNER_CHANGE, kwargs=_learner),
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
