"""`manage.py run_reminders [--dry-run]`: the same sweep, by hand."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from notifications.models import Notification, OutboxMessage, SweepRun

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    with freeze_time("2026-11-16 06:00:00"):
        call_command("run_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_what_it_would_send_and_changes_nothing(referred, rm):
    output = _run("--dry-run")
    assert (
        f"Would notify {rm.email} (email now): Intake interview not held, due 2026-11-15" in output
    )
    assert "Dry run, nothing saved or sent. 2026-11-16: 1 findings, 1 new" in output
    assert not Notification.objects.exists()
    assert not SweepRun.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_real_run_notifies_and_a_second_finds_nothing_new(referred, rm):
    first = _run()
    assert f"Notified {rm.email} (email now): Intake interview not held" in first
    assert "1 findings, 1 new, 0 already notified, 0 no longer due; 1 emails queued." in first
    second = _run()
    assert "1 findings, 0 new, 1 already notified, 0 no longer due; 0 emails queued." in second
    assert Notification.objects.count() == 1
    assert _run("--dry-run").count("Would notify") == 0


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="--date"):
        call_command("run_reminders", "--date", "tomorrow")


def test_a_date_can_be_given(referred, rm):
    out = StringIO()
    call_command("run_reminders", "--dry-run", "--date", "2026-11-01", stdout=out)
    assert "2026-11-01: 0 findings" in out.getvalue()


def test_the_dry_run_says_how_each_person_will_hear(referred, rm):
    from notifications.models import NotificationPreference

    NotificationPreference.objects.create(user=rm, email_mode="daily")
    assert f"Would notify {rm.email} (in the daily digest)" in _run("--dry-run")
