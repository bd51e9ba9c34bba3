import datetime as dt

from accounts.models import Role
from privacy.models import DataRequest, DataRequestKind, ErasureBasis, ErasureRequest
from tests.factories import UserFactory
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


def build(world) -> None:
    # An erasure asked for by a second director, for the world's director or the
    # administrator to decide (the person who asked may not).
    asker = UserFactory(role=Role.DIRECTOR, full_name="Dev Second-Director")
    world.extra["erasure_request"] = ErasureRequest.objects.create(
        learner=world.other_learner,
        basis=ErasureBasis.ARTICLE_17,
        reason="The learner wrote asking for erasure.",
        requested_by=asker,
    )
    # An open subject access request on the world's learner, logged by the director.
    world.extra["data_request"] = DataRequest.objects.create(
        kind=DataRequestKind.SUBJECT_ACCESS,
        learner=world.learner,
        learner_ref=world.learner.pk,
        received_on=dt.date(2026, 1, 5),
        due_on=dt.date(2026, 2, 5),
        logged_by=asker,
    )


def _erasure(world):
    return {"pk": world.extra["erasure_request"].pk}


# Erasure takes two people: directors and the administrator decide requests.
ROUTES += [
    Route("privacy:erasure_requests", get=everyone(403, director=200, admin=200)),
    # An empty POST is refused with the form's errors; decisions are tested in tests/privacy.
    Route(
        "privacy:erasure_decide",
        get=everyone(403, director=200, admin=200),
        post=everyone(403, director=400, admin=400),
        kwargs=_erasure,
    ),
]


def _data_request(world):
    return {"pk": world.extra["data_request"].pk}


# The register of data requests: directors only. Empty POSTs are refused with the
# form's errors; the register itself is tested in tests/privacy/test_data_requests.py.
ROUTES += [
    Route("privacy:data_requests", get=everyone(403, director=200)),
    Route(
        "privacy:data_request_new",
        get=everyone(403, director=200),
        post=everyone(403, director=400),
        kwargs=_learner,
    ),
    Route(
        "privacy:data_request",
        get=everyone(403, director=200),
        post=everyone(403, director=400),
        kwargs=_data_request,
    ),
    Route(
        "privacy:data_request_extend",
        get=everyone(403, director=200),
        post=everyone(403, director=400),
        kwargs=_data_request,
    ),
]
