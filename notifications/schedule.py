"""The beat schedule, kept in the database by django-celery-beat so an
administrator can see and change it under "Periodic tasks". A data migration
installs it; `install_schedule()` is safe to run again (it keeps edits)."""

import json

SCHEDULE = [
    # name, task, crontab (minute, hour, day_of_week) or an interval in seconds
    ("Daily reminder sweep", "notifications.run_reminder_sweep", ("0", "6", "*")),
    ("Daily reminder digests", "notifications.send_daily_digests", ("0", "7", "*")),
    ("Weekly regional manager digest", "notifications.send_weekly_digests", ("30", "7", "1")),
    ("Send waiting broker work (outbox)", "notifications.relay_outbox", 60),
    # The directors' dashboard figures (reports/figures_store.py).
    ("Refresh changed dashboard figures", "reports.refresh_stale_figures", 60),
    ("Refresh every prison's dashboard figures", "reports.refresh_all_figures", ("30", "2", "*")),
]
TIMEZONE = "Europe/London"


def install_schedule(apps=None) -> None:
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when in SCHEDULE:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"task": task, "args": json.dumps([]), "kwargs": json.dumps({})}
        if isinstance(when, int):
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=when, period="seconds"
            )
        else:
            minute, hour, day_of_week = when
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week=day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone=TIMEZONE,
            )
        PeriodicTask.objects.create(name=name, **fields)
