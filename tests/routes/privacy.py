from tests.routes import Route, everyone


def _learner(world):
    return {"pk": world.learner.pk}


# Subject access and erasure: directors only (Capability.MAKE_REPORTS).
ROUTES = [
    Route("privacy:learner", get=everyone(403, director=200), kwargs=_learner),
    Route("privacy:subject_access", get=everyone(403, director=200), kwargs=_learner),
    Route(
        "privacy:subject_access_json",
        get=everyone(403, director=200),
        kwargs=_learner,
        page=False,
    ),
    # An empty POST is refused with the form's errors; the erasure itself is tested
    # in tests/privacy.
    Route(
        "privacy:erase",
        get=everyone(403, director=200),
        post=everyone(403, director=400),
        kwargs=_learner,
    ),
]
