"""Demo prisons and staff. Deterministic: the same world every time."""

from base64 import b32decode
from dataclasses import dataclass, field

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Prison, Region, Role, User

DEMO_PASSWORD = "plum-orbit-harbour-lantern"  # noqa: S105 - demo only, printed on purpose  # nosec B105
# Every demo user's authenticator app is pre-registered with this key (base32), so a
# first look needs no phone: `manage.py demo_code` prints the current code, or add
# the key to any authenticator app. Real users enrol their own app with a QR code.
DEMO_TOTP_SECRET = "LEARNERJOURNEYDEMOCODEFOURTHOUSA"  # noqa: S105 - demo only, printed on purpose  # nosec B105
DEMO_DEVICE_NAME = "Demo authenticator"

REGIONS = {
    "Yorkshire and the Humber": [("HMI", "HMP Humber"), ("HLI", "HMP Hull"), ("LEI", "HMP Leeds")],
    "North West": [("RSI", "HMP Risley"), ("ALI", "HMP Altcourse")],
}

STAFF = [
    # email, name, role, prison codes
    (
        "rm.yorkshire@demo.code4000.example",
        "Rachel Moss",
        Role.REGIONAL_MANAGER,
        ["HMI", "HLI", "LEI"],
    ),
    ("rm.northwest@demo.code4000.example", "Aaron Okafor", Role.REGIONAL_MANAGER, ["RSI", "ALI"]),
    ("tutor.humber@demo.code4000.example", "Tom Baker", Role.TUTOR, ["HMI", "HLI"]),
    ("tutor.leeds@demo.code4000.example", "Jas Kaur", Role.TUTOR, ["LEI"]),
    ("tutor.risley@demo.code4000.example", "Priya Shah", Role.TUTOR, ["RSI", "ALI"]),
    ("omu.humber@demo.code4000.example", "Olivia Grant", Role.OMU, ["HMI"]),
    ("omu.risley@demo.code4000.example", "Sam Doherty", Role.OMU, ["RSI"]),
    ("director@demo.code4000.example", "Dana Whitfield", Role.DIRECTOR, []),
    ("admin@demo.code4000.example", "Alex Kerr", Role.ADMINISTRATOR, []),
    # Cover staff (issue 17 item 8): a second tutor at Tom Baker's prisons to hand
    # his learners on to, and a second regional manager at Humber, so "change
    # regional manager" offers a choice. They start with no learners of their own.
    ("tutor.cover@demo.code4000.example", "Kemi Adeyemi", Role.TUTOR, ["HMI", "HLI"]),
    ("rm.humber@demo.code4000.example", "Imran Hussain", Role.REGIONAL_MANAGER, ["HMI"]),
]
# Not given learners by the demo (so the rest of the demo stays as it was).
COVER_STAFF = frozenset({"tutor.cover@demo.code4000.example", "rm.humber@demo.code4000.example"})


@dataclass
class DemoWorld:
    """What each app's demo step made, for the steps after it."""

    prisons: dict[str, Prison] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)
    learners: list = field(default_factory=list)

    def first_of(self, role: str, prison_code: str | None = None) -> User:
        for user in self.staff.values():
            if user.role != role:
                continue
            if prison_code is None or prison_code in {p.code for p in user.prisons.all()}:
                return user
        raise LookupError(f"No demo {role} at {prison_code}")


def seed(world: DemoWorld, *, size: int, log) -> None:
    for region_name, prisons in REGIONS.items():
        region, _ = Region.objects.get_or_create(name=region_name)
        for code, name in prisons:
            prison, _ = Prison.objects.get_or_create(
                code=code, defaults={"name": name, "region": region}
            )
            world.prisons[code] = prison
    for email, name, role, codes in STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name=name,
                role=role,
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
        user.prisons.set([world.prisons[code] for code in codes])
        TOTPDevice.objects.get_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": demo_totp_key_hex(), "confirmed": True},
        )
        world.staff[email] = user
    log(f"{len(world.prisons)} prisons and {len(world.staff)} staff ready.")


def demo_totp_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()
