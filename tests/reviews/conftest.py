import datetime as dt

import pytest
from django.utils import timezone

from tests.reviews.factories import ModuleFactory, TrackFactory


@pytest.fixture
def curriculum(db):
    """Two required modules and one optional, in one track."""
    track = TrackFactory(name="Web foundations")
    return {
        "html": ModuleFactory(track=track, title="HTML basics", order=1),
        "css": ModuleFactory(track=track, title="CSS layout", order=2),
        "git": ModuleFactory(
            track=track, title="Git and GitHub", order=3, required_for_graduation=False
        ),
    }


@pytest.fixture
def active_learner(learner, tutor):
    """The `learner` fixture, tutored by `tutor`, with the intake done 30 days ago."""
    learner.tutor = tutor
    learner.intake_completed_on = timezone.localdate() - dt.timedelta(days=30)
    learner.save()
    return learner
