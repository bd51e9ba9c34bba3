"""The test client every test signs in with. Use the `client` fixture (or
StaffClient) and `client.force_login(user)`; never django.test.Client directly,
so sign-in requirements added later (two-factor) are met in one place."""

from django.test import Client


class StaffClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
