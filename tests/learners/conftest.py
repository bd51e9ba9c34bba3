import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def enrolment_data(prison, today):
    def make(**overrides):
        data = {
            "prison_number": "a1234bc",
            "first_name": "Ryan",
            "last_name": "Walker",
            "preferred_name": "",
            "date_of_birth": "1991-03-14",
            "prison": str(prison.pk),
            "joined_on": (today - dt.timedelta(days=10)).isoformat(),
            "earliest_release_on": (today + dt.timedelta(days=200)).isoformat(),
            "expected_release_on": (today + dt.timedelta(days=300)).isoformat(),
            "tutor": "",
        }
        data.update(overrides)
        return data

    return make
