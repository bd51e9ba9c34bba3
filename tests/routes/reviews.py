import datetime as dt

from django.utils import timezone

from reviews import services
from reviews.models import InterventionKind, ReviewPause
from tests.factories import LearnerFactory
from tests.reviews.factories import ModuleFactory
from tests.routes import LOGIN, REDIRECT, Route, Who, everyone

# Pages about one learner: staff who see learner records, at the learner's prison.
READ = everyone(200, omu=403, other_prison=404)
# Changes (module completions, reviews, interventions): tutors and regional managers.
WRITE = everyone(200, omu=403, director=403, admin=403, other_prison=404)
# An empty POST to a form: the form comes back with its errors (400).
WRITE_POST = everyone(400, omu=403, director=403, admin=403, other_prison=404)


def _learner(world):
    return {"pk": world.learner.pk}


def build(world) -> None:
    today = timezone.localdate()
    tutor = world.users[Who.TUTOR]
    ModuleFactory(title="HTML basics")
    world.learner.intake_completed_on = today - dt.timedelta(days=120)
    world.learner.save()
    held = services.review_start(actor=tutor, learner=world.learner)
    services.review_save(
        actor=tutor,
        review=held,
        version=held.version,
        data={"held_on": today - dt.timedelta(days=30), "rag": "green", "progress": "Good"},
        ratings={"teamwork": 2},
        complete=True,
    )
    draft = services.review_start(actor=tutor, learner=world.learner)
    intervention = services.intervention_raise(
        actor=tutor,
        learner=world.learner,
        kind=InterventionKind.EXTRA_TUTOR_TIME,
        description="An extra hour on Fridays",
        owner=tutor,
        due_on=today,
    )
    # Pauses are shown on another learner at the same prison, so the first can be paused.
    paused = LearnerFactory(prison=world.prison, tutor=tutor, intake_completed_on=today)
    pause = services.pause_start(actor=tutor, learner=paused, reason="lockdown", started_on=today)
    world.extra.update(held_review=held, draft_review=draft, intervention=intervention, pause=pause)
    _attach_restricted(world, held=held, draft=draft)


def _attach_restricted(world, *, held, draft) -> None:
    """Restricted records on every kind of parent in this app (issue 13 item 1):
    referrals on the draft and the complete review and on none, and an ended
    health pause, so the marker crawl meets them on every page that lists them."""
    rm = world.users[Who.RM]
    today = timezone.localdate()
    for kind, review in [
        (InterventionKind.SUBSTANCE_MISUSE, draft),
        (InterventionKind.WELLBEING, held),
        (InterventionKind.WELLBEING, None),
    ]:
        services.intervention_raise(
            actor=rm,
            learner=world.learner,
            kind=kind,
            description="A referral",
            owner=world.users[Who.TUTOR],
            due_on=today,
            review=review,
        )
    health = services.pause_start(
        actor=rm,
        learner=world.learner,
        reason="health",
        started_on=today - dt.timedelta(days=20),
        note="In hospital",
    )
    services.pause_end(actor=rm, pause=health, ended_on=today - dt.timedelta(days=10))


def plant_restricted(world, tag: str) -> list[str]:
    """The note of a health pause is restricted (its row is not)."""
    marker = f"{tag}pausenote"
    ReviewPause.objects.filter(learner__prison=world.prison, reason="health").update(note=marker)
    return [marker]


ROUTES = [
    Route("reviews:learning", get=READ, kwargs=_learner),
    Route("reviews:learner_reviews", get=READ, kwargs=_learner),
    Route("reviews:learner_interventions", get=READ, kwargs=_learner),
    Route(
        "reviews:review_detail",
        get=READ,
        kwargs=lambda world: {"pk": world.learner.pk, "review_id": world.extra["held_review"].pk},
    ),
    Route("reviews:completion_add", get=WRITE, post=WRITE_POST, kwargs=_learner),
    Route("reviews:starting_skills", get=WRITE, post=WRITE_POST, kwargs=_learner),
    Route(
        "reviews:checklist",
        get=everyone(200, omu=403, director=403, admin=403),
        post=everyone(400, omu=403, director=403, admin=403),
    ),
    Route(
        "reviews:review_start",
        get=everyone(405),
        post=everyone(REDIRECT, omu=403, director=403, admin=403, other_prison=404),
        kwargs=_learner,
        page=False,
    ),
    Route(
        "reviews:review_edit",
        get=WRITE,
        post=WRITE_POST,
        kwargs=lambda world: {"pk": world.learner.pk, "review_id": world.extra["draft_review"].pk},
    ),
    Route("reviews:pause_start", get=WRITE, post=WRITE_POST, kwargs=_learner),
    Route(
        "reviews:pause_end",
        get=WRITE,
        post=WRITE_POST,
        kwargs=lambda world: {
            "pk": world.extra["pause"].learner_id,
            "pause_id": world.extra["pause"].pk,
        },
    ),
    Route("reviews:intervention_add", get=WRITE, post=WRITE_POST, kwargs=_learner),
    Route(
        "reviews:intervention_edit",
        get=WRITE,
        post=WRITE_POST,
        kwargs=lambda world: {
            "pk": world.learner.pk,
            "intervention_id": world.extra["intervention"].pk,
        },
    ),
]
# A director's graduation exception (issue 12): directors only.
ROUTES.append(
    Route(
        "reviews:graduation_exception",
        get=everyone(403, director=200, other_prison=404),
        post=everyone(403, director=400, other_prison=404),
        kwargs=_learner,
    )
)
assert all(route.get[Who.ANONYMOUS] == LOGIN for route in ROUTES)
