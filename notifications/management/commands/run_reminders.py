"""Run the reminder sweep by hand: the same code the daily beat task runs."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from notifications.models import EmailMode, NotificationKind
from notifications.services import email_modes, reminders_run

BY_EMAIL = {
    EmailMode.IMMEDIATE: "email now",
    EmailMode.DAILY: "in the daily digest",
    EmailMode.OFF: "no email",
}


class Command(BaseCommand):
    help = "Find due and overdue work and notify staff. --dry-run prints what it would send."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the notifications and emails it would create; change nothing.",
        )
        parser.add_argument(
            "--date", help="Sweep as if today were this day (YYYY-MM-DD); default today."
        )

    def handle(self, *args, **options) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be a date like 2026-11-22.") from exc
        result = reminders_run(today=today, dry_run=options["dry_run"], trigger="command")
        emails = dict(
            User.objects.filter(pk__in={f.recipient_id for f in result.new}).values_list(
                "pk", "email"
            )
        )
        modes = email_modes({f.recipient_id for f in result.new})
        labels = dict(NotificationKind.choices)
        verb = "Would notify" if result.dry_run else "Notified"
        for finding in result.new:
            self.stdout.write(
                f"{verb} {emails.get(finding.recipient_id, finding.recipient_id)} "
                f"({BY_EMAIL[modes[finding.recipient_id]]}): "
                f"{labels[finding.kind]}, due {finding.due_on:%Y-%m-%d}: {finding.summary}"
            )
        already = len(result.findings) - len(result.new)
        summary = (
            f"{result.run_on:%Y-%m-%d}: {len(result.findings)} findings, "
            f"{len(result.new)} new, {already} already notified, "
            f"{result.resolved} no longer due"
        )
        if result.dry_run:
            self.stdout.write(f"Dry run, nothing saved or sent. {summary}.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{summary}; {result.emails_queued} emails queued.")
            )
