import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.database_roles import (
    APP_ROLE,
    RETENTION_ROLE,
    RolesNotPermitted,
    app_login_setup,
    database_roles_setup,
)


class Command(BaseCommand):
    help = (
        "Create or refresh the PostgreSQL roles that keep the audit trail append-only "
        f"({APP_ROLE} for the application, {RETENTION_ROLE} for the retention function). "
        "Run as the owner role, after migrate and after changing RETENTION_AUDIT_YEARS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-login",
            metavar="NAME",
            help=(
                f"Also create or update the login role NAME as a member of {APP_ROLE}, "
                "with the password in the APP_DATABASE_PASSWORD environment variable."
            ),
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: nothing to set up (SQLite keeps its triggers).")
            return
        try:
            with transaction.atomic():
                statements = database_roles_setup(connection)
                if options["app_login"]:
                    app_login_setup(
                        connection,
                        name=options["app_login"],
                        password=os.environ.get("APP_DATABASE_PASSWORD", ""),
                    )
        except RolesNotPermitted as exc:
            raise CommandError(str(exc)) from exc
        if options["app_login"]:
            self.stdout.write(
                f"Set up {APP_ROLE} and {RETENTION_ROLE} ({len(statements)} statements); "
                f"{options['app_login']} logs in with the application's rights."
            )
            return
        self.stdout.write(
            f"Set up {APP_ROLE} and {RETENTION_ROLE} ({len(statements)} statements). "
            f"Give the application a login role in {APP_ROLE}, for example:\n"
            f"  CREATE ROLE learner_journey_web LOGIN PASSWORD '...' IN ROLE {APP_ROLE};"
        )
