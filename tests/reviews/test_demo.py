import pytest
from django.core.management import call_command

from learners.models import Learner
from reviews.models import Intervention, Module, ReviewPause, ReviewStatus
from reviews.selectors import schedule_for

pytestmark = pytest.mark.django_db


def test_demo_has_a_curriculum_and_reviews_in_every_state(capsys):
    # The default size: the resettlement step releases about a third of the learners.
    call_command("seed_demo", learners=60)
    assert Module.objects.filter(required_for_graduation=True).count() >= 10
    assert {m.track.name for m in Module.objects.select_related("track")} >= {
        "Web foundations",
        "JavaScript",
        "Python",
        "PHP and SQL",
        "Soft and employability skills",
    }
    learners = list(Learner.objects.all())
    states = {schedule_for(learner).state.value for learner in learners}
    assert {"not_due", "due", "overdue", "paused"} <= states
    assert any(schedule_for(learner).pre_release for learner in learners)
    assert Learner.objects.filter(course_status="graduated", graduated_on__isnull=False).exists()
    assert Intervention.objects.filter(status="open").exists()
    assert ReviewPause.objects.filter(ended_on__isnull=True).exists()
    assert Learner.objects.filter(reviews__status=ReviewStatus.COMPLETE).exists()
    # The stored date agrees with the schedule for every learner.
    for learner in learners:
        assert learner.next_review_due_on == schedule_for(learner).stored_due_on
