"""The retention policy: learners past their date are anonymised (statistics still
countable), old audit events and sign-in attempts are removed, each run recorded."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from freezegun import freeze_time

from audit.models import AuditEvent
from audit.services import audit_record
from learners.models import Learner
from learners.timeline import timeline_record
from privacy.models import RetentionRun
from privacy.tasks import RETENTION_TASK, apply_retention_task
from tests.factories import LearnerFactory
from tests.markers import plant_markers, tables_holding

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=365 * 7)


def _old_learner(prison, tag, number):
    with freeze_time(LONG_AGO):
        learner = LearnerFactory(prison=prison, date_of_birth=dt.date(1990, 6, 15))
        timeline_record(learner=learner, kind="details", summary="x")
        planted = plant_markers(learner, tag, prison_number=number)
    return learner, planted


def test_a_learner_past_the_retention_date_is_anonymised(prison):
    old, planted = _old_learner(prison, "Zqold", "Z5555OL")
    recent = LearnerFactory(prison=prison)
    call_command("apply_retention")
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.date_of_birth == dt.date(1990, 1, 1)
    assert old.prison == prison and old.course_status  # still countable
    assert tables_holding(planted) == {}
    recent.refresh_from_db()
    assert recent.anonymised_at is None
    run = RetentionRun.objects.get()
    assert (run.dry_run, run.learners_anonymised, run.learner_refs) == (False, 1, [old.pk])
    assert "6 years after the last contact" in run.summary
    assert AuditEvent.objects.filter(action="privacy.anonymise", learner_ref=old.pk).exists()


def test_recent_timeline_activity_keeps_a_record(prison):
    old, _ = _old_learner(prison, "Zqkeep", "Z5555KP")
    timeline_record(learner=old, kind="contact", summary="Still in touch")
    call_command("apply_retention")
    old.refresh_from_db()
    assert old.anonymised_at is None


def test_a_dry_run_changes_nothing_but_is_recorded(prison, capsys):
    old, planted = _old_learner(prison, "Zqdry", "Z5555DR")
    call_command("apply_retention", "--dry-run")
    assert "Would anonymise 1 learner record(s)" in capsys.readouterr().out
    old.refresh_from_db()
    assert old.anonymised_at is None
    assert set(tables_holding(planted))
    run = RetentionRun.objects.get()
    assert run.dry_run and run.learner_refs == [old.pk]


def test_old_audit_events_and_sign_in_attempts_are_removed(tutor):
    with freeze_time(timezone.now() - dt.timedelta(days=365 * 8)):
        audit_record(actor=tutor, action="learner.view")
        AccessAttempt.objects.create(
            username="x@example.org",
            ip_address="10.0.0.1",
            user_agent="t",
            failures_since_start=1,
            path_info="/",
            get_data="",
            post_data="",
        )
    audit_record(actor=tutor, action="learner.view")
    call_command("apply_retention")
    assert AuditEvent.objects.filter(action="learner.view").count() == 1
    assert AccessAttempt.objects.count() == 0
    run = RetentionRun.objects.get()
    assert (run.audit_events_removed, run.sign_in_attempts_removed) == (1, 1)


def test_the_audit_trail_still_refuses_other_deletion(tutor):
    audit_record(actor=tutor, action="learner.view")
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def test_the_nightly_task_is_scheduled_and_runs_the_policy(prison):
    task = PeriodicTask.objects.get(name="Apply the retention policy")
    assert task.task == RETENTION_TASK and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
    old, _ = _old_learner(prison, "Zqtask", "Z5555TK")
    run = RetentionRun.objects.get(pk=apply_retention_task())
    assert run.trigger == "schedule" and run.learners_anonymised == 1
    assert apply_retention_task() and Learner.objects.get(pk=old.pk).anonymised_at
    assert RetentionRun.objects.order_by("-pk").first().learners_anonymised == 0
