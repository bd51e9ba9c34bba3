"""Apply the retention policy (settings.RETENTION_POLICY) now."""

from django.core.management.base import BaseCommand

from privacy.models import RetentionTrigger
from privacy.services import retention_apply


class Command(BaseCommand):
    help = "Anonymise learner records and remove audit events past their retention date."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be done, change nothing (the run is still recorded).",
        )

    def handle(self, *args, **options) -> None:
        run = retention_apply(dry_run=options["dry_run"], trigger=RetentionTrigger.COMMAND)
        self.stdout.write(run.summary)
