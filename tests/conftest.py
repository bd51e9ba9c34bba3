import pytest
from django.db import connection

from accounts.models import Role
from tests.clients import StaffClient
from tests.factories import ConsentFactory, LearnerFactory, PrisonFactory, UserFactory
from tests.world import World


@pytest.fixture(autouse=True, scope="session")
def _tests_run_on_postgresql(django_db_setup, django_db_blocker):
    """Tests talk to the same PostgreSQL that production uses (run them with `make test`)."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit("The tests run on PostgreSQL: use `make test` (it sets DATABASE_URL).", 2)


@pytest.fixture
def client():
    """Overrides pytest-django's client: see tests/clients.py."""
    return StaffClient()


@pytest.fixture
def prison():
    return PrisonFactory(code="HMI", name="HMP Humber")


@pytest.fixture
def other_prison():
    return PrisonFactory(code="RSI", name="HMP Risley")


@pytest.fixture
def make_user():
    def make(role: str = Role.TUTOR, prisons=(), **fields):
        return UserFactory(role=role, prisons=list(prisons), **fields)

    return make


@pytest.fixture
def tutor(make_user, prison):
    return make_user(Role.TUTOR, [prison], full_name="Tom Tutor")


@pytest.fixture
def regional_manager(make_user, prison):
    return make_user(Role.REGIONAL_MANAGER, [prison], full_name="Rachel Manager")


@pytest.fixture
def omu(make_user, prison):
    return make_user(Role.OMU, [prison], full_name="Olivia Omu")


@pytest.fixture
def director(make_user):
    return make_user(Role.DIRECTOR, full_name="Dana Director")


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, full_name="Alex Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def learner(prison):
    return LearnerFactory(prison=prison, first_name="Jamie", last_name="Doyle")


@pytest.fixture
def consenting_learner(learner):
    ConsentFactory(learner=learner)
    return learner


@pytest.fixture
def world(db) -> World:
    """Two prisons, a user of every role at the first, an RM at the second, and a
    learner at each; apps add their own records in tests/routes/<app>.py."""
    return World.build()


@pytest.fixture
def celery_eager():
    """Run Celery tasks in the test process when they are sent (wrap the request in
    django_capture_on_commit_callbacks(execute=True) for tasks sent on commit)."""
    from code4000.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
