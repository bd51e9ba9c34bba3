"""Build the demo world: prisons, staff of every role and, as the apps add their
steps, learners and their records. Safe to run again: it skips what exists."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, STAFF, DemoWorld
from accounts.models import User

# Each app that has demo data adds a `demo.py` with `seed(world, *, size, log)`.
# They run in this order, each building on what the one before made.
DEMO_STEPS = [
    "accounts",
    "learners",
    "reviews",
    "resettlement",
    "reports",
    "notifications",
    "configuration",
]
DEMO_STEPS += ["privacy"]  # after every step that makes learner records


def demo_steps():
    for app in DEMO_STEPS:
        try:
            yield import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise


class Command(BaseCommand):
    help = "Create the demo world, with demo logins printed at the end."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--learners",
            type=int,
            default=60,
            help="How many learners to create (default 60; e.g. 20000 for benchmarks).",
        )

    def handle(self, *args, **options) -> None:
        size = options["learners"]
        if size < 0:
            self.stderr.write("--learners must be 0 or more.")
            raise SystemExit(2)
        already = User.objects.filter(email=STAFF[0][0]).exists()
        if already:
            self.stdout.write("The demo world already exists; nothing to add.")
        else:
            world = DemoWorld()
            with transaction.atomic():
                for step in demo_steps():
                    step.seed(world, size=size, log=self.stdout.write)
            self.stdout.write(self.style.SUCCESS("Demo world created."))
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (every password is: {DEMO_PASSWORD})")
        for email, name, role, codes in STAFF:
            where = ", ".join(codes) if codes else "all prisons"
            self.stdout.write(f"  {role.label:<34} {email:<40} {name} ({where})")
        self.stdout.write("")
        self.stdout.write("After the password you are asked for a two-factor code. For the demo,")
        self.stdout.write("every demo user's app is pre-registered; get the current code with:")
        self.stdout.write("  .venv/bin/python manage.py demo_code")
        self.stdout.write(
            f"or add this key to an authenticator app (time-based): {DEMO_TOTP_SECRET}"
        )
