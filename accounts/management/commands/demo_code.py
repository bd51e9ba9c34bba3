"""Print the current two-factor code of the demo users (development only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.demo import demo_totp_key_hex


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo users (not in production)."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo codes are not available in production.")
        generator = TOTP(bytes.fromhex(demo_totp_key_hex()))
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{generator.token():06d}")
        self.stderr.write(f"Valid for about {left} more seconds; each code works once per user.")
