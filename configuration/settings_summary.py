"""The reminder and retention settings in words people use. The reminder times
live in the database (django-celery-beat's schedule) and an administrator can
change them here; the rest are set in code or in the server's environment, so
changing them needs a deployment and the page shows them read-only."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from configuration.durations import duration_words
from notifications import sweep
from notifications.schedule import SCHEDULE
from resettlement.models import FOLLOW_UP_MONTHS
from reviews.schedule import DUE_WINDOW, PRE_RELEASE_LEAD, REVIEW_INTERVAL

DAYS_OF_WEEK = {
    "*": "Every day",
    "1": "Every Monday",
    "2": "Every Tuesday",
    "3": "Every Wednesday",
    "4": "Every Thursday",
    "5": "Every Friday",
    "6": "Every Saturday",
    "0": "Every Sunday",
}
# The scheduled jobs an administrator may move, by the name in notifications.schedule.
REMINDER_JOBS = {name: when for name, _task, when in SCHEDULE if not isinstance(when, int)}


@dataclass(frozen=True)
class SettingRow:
    label: str
    value: str
    how_to_change: str = ""
    change_url: str = ""


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def reminder_job_times() -> list[dict]:
    """Each reminder job with its current time, from the beat schedule."""
    from django_celery_beat.models import PeriodicTask

    tasks = {
        task.name: task
        for task in PeriodicTask.objects.filter(name__in=REMINDER_JOBS).select_related("crontab")
    }
    rows = []
    for index, name in enumerate(REMINDER_JOBS, start=1):
        task = tasks.get(name)
        if task is None or task.crontab is None:
            when, enabled = "Not scheduled", False
        else:
            cron = task.crontab
            day = DAYS_OF_WEEK.get(cron.day_of_week, f"Days {cron.day_of_week}")
            try:
                when = f"{day} at {int(cron.hour):02d}:{int(cron.minute):02d}"
            except ValueError:
                when = f"{day}, hour {cron.hour}, minute {cron.minute}"
            enabled = task.enabled
        rows.append({"number": index, "name": name, "when": when, "enabled": enabled})
    return rows


def settings_summary() -> list[tuple[str, list[SettingRow]]]:
    deployment = "Needs a change to the code and a deployment"
    environment = "Set on the server ({}); needs a restart"
    policy = settings.RETENTION_POLICY
    reminders = [
        SettingRow(
            row["name"],
            row["when"] + ("" if row["enabled"] else " (switched off)"),
            change_url=reverse("configuration:reminder_time_edit", args=[row["number"]]),
        )
        for row in reminder_job_times()
    ]
    reminders += [
        SettingRow(
            "Reviews are due",
            f"Every {REVIEW_INTERVAL.days // 7} weeks; the first 12 weeks after the "
            "intake interview",
            deployment,
        ),
        SettingRow(
            "A review shows as due on the home page",
            f"{_days(DUE_WINDOW.days)} before its date",
            deployment,
        ),
        SettingRow(
            "A reminder that a review is due is sent",
            f"{_days(sweep.REVIEW_DUE_WITHIN_DAYS)} before its date",
            deployment,
        ),
        SettingRow(
            "An overdue review is escalated to the regional manager",
            f"{_days(sweep.REVIEW_ESCALATE_AFTER_DAYS)} after its date",
            deployment,
        ),
        SettingRow(
            "Pre-release review",
            f"{PRE_RELEASE_LEAD.days // 7} weeks before the expected release date",
            deployment,
        ),
        SettingRow(
            "An intake interview not held is reminded",
            f"{_days(sweep.INTAKE_GRACE_DAYS)} after the learner joined",
            deployment,
        ),
        SettingRow(
            "A release with an incomplete resettlement plan is reminded",
            f"From {sweep.RELEASE_WITHIN_DAYS // 7} weeks before the release date",
            deployment,
        ),
        SettingRow(
            "Outcome follow-ups after release",
            "At " + ", ".join(str(m) for m in FOLLOW_UP_MONTHS) + " months; reminded "
            f"{_days(sweep.FOLLOW_UP_DUE_WITHIN_DAYS)} before each",
            deployment,
        ),
    ]
    retention = [
        SettingRow(
            "A learner's record is anonymised",
            f"{_years(policy['learner_years_after_last_contact'])} after the last contact",
            environment.format("RETENTION_LEARNER_YEARS"),
        ),
        SettingRow(
            "The audit trail is kept for",
            _years(policy["audit_years"]),
            environment.format("RETENTION_AUDIT_YEARS"),
        ),
        SettingRow(
            "Records of sign-in attempts are kept for",
            _days(policy["sign_in_attempt_days"]),
            environment.format("RETENTION_SIGN_IN_ATTEMPT_DAYS"),
        ),
    ]
    sessions = [
        SettingRow(
            "Signed out after this long without activity",
            f"{settings.SESSION_COOKIE_AGE // 60} minutes",
            environment.format("SESSION_IDLE_SECONDS"),
        ),
        SettingRow(
            "Signed out after this long, however active",
            f"{settings.SESSION_ABSOLUTE_SECONDS // 3600} hours",
            environment.format("SESSION_ABSOLUTE_SECONDS"),
        ),
        SettingRow(
            "A set-password link in an invitation or reset email works for",
            duration_words(settings.PASSWORD_RESET_TIMEOUT),
            deployment,
        ),
    ]
    reports = [
        SettingRow(
            "The smallest cohort exported to the Justice Data Lab",
            f"{settings.JUSTICE_DATA_LAB_MINIMUM_COHORT} people",
            environment.format("JUSTICE_DATA_LAB_MINIMUM_COHORT"),
        ),
    ]
    return [
        ("Reminders", reminders),
        ("Retention", retention),
        ("Sign-in", sessions),
        ("Reports", reports),
    ]
