"""Reminder and retention settings in words people use."""

import datetime as dt

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from audit.models import AuditEvent
from notifications.schedule import install_schedule

pytestmark = pytest.mark.django_db


def test_the_settings_read_in_plain_words(client, administrator):
    install_schedule()
    client.force_login(administrator)
    page = client.get(reverse("configuration:settings")).content.decode()
    assert "Daily reminder sweep" in page
    assert "Every day at 06:00" in page
    assert "Every Monday at 07:30" in page
    assert "7 days after its date" in page
    assert "6 years after the last contact" in page
    assert "RETENTION_LEARNER_YEARS" in page
    assert "Crontab" not in page


def test_an_administrator_moves_the_daily_sweep(client, administrator):
    install_schedule()
    client.force_login(administrator)
    url = reverse("configuration:reminder_time_edit", args=[1])
    bad = client.post(url, {"at": "25:00"})
    assert "Enter the time on the 24-hour clock" in bad.content.decode()
    response = client.post(url, {"at": "05:45"})
    assert response.status_code == 302
    task = PeriodicTask.objects.get(name="Daily reminder sweep")
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("5", "45", "*")
    event = AuditEvent.objects.get(action="configuration.reminder_time.change")
    assert event.detail == {"before": "6:0", "after": "5:45"}
    assert (
        dt.time(5, 45).strftime("%H:%M")
        in client.get(reverse("configuration:settings")).content.decode()
    )


def test_an_unknown_reminder_job_is_not_found(client, administrator):
    install_schedule()
    client.force_login(administrator)
    assert client.get(reverse("configuration:reminder_time_edit", args=[99])).status_code == 404
