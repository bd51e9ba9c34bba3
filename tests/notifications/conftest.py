import datetime as dt

import pytest

from accounts.models import Role
from learners.models import CourseStatus
from notifications.outbox import breaker
from tests.factories import LearnerFactory
from tests.notifications.backends import FlakyBackend

TODAY = dt.date(2026, 11, 16)  # a Monday


@pytest.fixture(autouse=True)
def _fresh_breaker():
    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures = 0
    FlakyBackend.attempts = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def rm(make_user, prison):
    return make_user(Role.REGIONAL_MANAGER, [prison], full_name="Rachel Manager")


@pytest.fixture
def referred(prison, rm):
    """A referred learner whose intake interview fell due (14 days) yesterday."""
    return LearnerFactory(
        prison=prison,
        first_name="Jamie",
        last_name="Doyle",
        prison_number="A1234BC",
        course_status=CourseStatus.REFERRED,
        joined_on=TODAY - dt.timedelta(days=15),
        regional_manager=rm,
    )
