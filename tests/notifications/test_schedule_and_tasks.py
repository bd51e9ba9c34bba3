"""The beat schedule is in the database (editable in the admin), names real
tasks, and every task of the app goes through the outbox task class."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from code4000.celery import app
from notifications.outbox import OutboxTask, visibility_timeout
from notifications.schedule import SCHEDULE
from notifications.tasks import BACKOFF_MAX

pytestmark = pytest.mark.django_db


def test_the_migration_installs_the_daily_sweep_digests_and_relay():
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))
    assert {name: task for name, task, _ in SCHEDULE}.items() <= tasks.items()
    sweep = PeriodicTask.objects.get(task="notifications.run_reminder_sweep")
    assert (sweep.crontab.hour, sweep.crontab.minute) == ("6", "0")
    assert str(sweep.crontab.timezone) == "Europe/London"
    app.loader.import_default_modules()
    for task in tasks.values():
        assert task in app.tasks, f"{task} is scheduled but not registered"


def test_administrators_see_the_schedule_in_the_admin(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert page.status_code == 200
    assert "Daily reminder sweep" in page.content.decode()


def test_every_task_uses_the_outbox_task_class_and_backs_off_inside_the_visibility():
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert ours
    assert all(isinstance(task, OutboxTask) for task in ours)
    assert visibility_timeout() > BACKOFF_MAX


def test_relay_outbox_command_reports_what_waits(capsys):
    call_command("relay_outbox")
    assert "0 still waiting" in capsys.readouterr().out


@pytest.mark.parametrize(
    "model",
    [
        "deliveryfailure",
        "digest",
        "sweeprun",
        "outboxmessage",
        "notificationpreference",
    ],
)
def test_the_admin_pages_open_for_administrators(client, administrator, model):
    client.force_login(administrator)
    response = client.get(reverse(f"admin:notifications_{model}_changelist"))
    assert response.status_code == 200
