"""The test client every test signs in with. Use the `client` fixture (or
StaffClient) and `client.force_login(user)`; never django.test.Client directly,
so sign-in requirements are met in one place.

`force_login` completes both steps of sign-in: the password (Django's
force_login) and the second factor, as django-otp's `login` would after a
correct code (a confirmed TOTP device is created for the user if they have none).
Use `force_login(user, verified=False)` for a session that has only given a password.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tests.otp import confirmed_device_for


class StaffClient(Client):
    def force_login(self, user, backend=None, *, verified: bool = True):
        super().force_login(user, backend)
        if verified:
            device = confirmed_device_for(user)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
