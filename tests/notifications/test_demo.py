import pytest

from accounts.demo import DemoWorld
from notifications import demo
from notifications.models import Notification


@pytest.mark.django_db
def test_the_demo_step_runs_the_sweep_and_leaves_some_read(referred, rm, prison):
    from tests.factories import LearnerFactory

    for n in range(4):
        LearnerFactory(
            prison=prison,
            last_name=f"Demo{n}",
            course_status="referred",
            joined_on=referred.joined_on,
            regional_manager=rm,
        )
    lines: list[str] = []
    demo.seed(DemoWorld(), size=5, log=lines.append)
    assert Notification.objects.count() == 5
    assert Notification.objects.filter(read_at__isnull=False).count() == 3
    assert lines == ["5 reminders created by the demo sweep."]
