"""Who may open the configuration pages: administrators only (and regional
managers handing on a tutor's learners at their own prisons). Everybody else
signed in is refused (403); signed-out people are sent to sign in."""

from itertools import count

from accounts.models import Role
from notifications.schedule import install_schedule
from reviews.models import Module, Track
from tests.factories import PrisonFactory, UserFactory
from tests.routes import REDIRECT, Route, Who, everyone

_numbers = count(1)

ADMIN_ONLY = everyone(403, admin=200)
ADMIN_ONLY_POST = everyone(403, admin=REDIRECT)


def build(world) -> None:
    world.extra["staff_member"] = UserFactory(
        role=Role.TUTOR, prisons=[world.prison], full_name="Sam Staff"
    )
    world.extra["former_staff"] = UserFactory(
        role=Role.TUTOR, prisons=[world.prison], full_name="Fran Former", is_active=False
    )
    invited = UserFactory(role=Role.TUTOR, prisons=[world.prison], full_name="Ivy Invited")
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    world.extra["invited_staff"] = invited
    world.extra["open_prison"] = PrisonFactory(code="LEI", name="HMP Leeds")
    world.extra["closed_prison"] = PrisonFactory(code="WDI", name="HMP Wakefield", is_active=False)
    track = Track.objects.create(name="Route track", order=90)
    world.extra["track"] = track
    world.extra["module"] = Module.objects.create(track=track, title="Route module", order=1)
    world.extra["retired_module"] = Module.objects.create(
        track=track, title="Old module", order=2, retired_on="2024-01-01"
    )
    install_schedule()


def _pk(key):
    return lambda world: {"pk": world.extra[key].pk}


ROUTES = [
    Route("configuration:index", get=ADMIN_ONLY),
    Route("configuration:staff_list", get=ADMIN_ONLY),
    Route(
        "configuration:staff_list",
        get=ADMIN_ONLY,
        query="?q=sam&role=tutor&status=active",
        page=False,
    ),
    Route(
        "configuration:staff_invite",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        post_data=lambda world: {
            "full_name": "Nina New",
            "email": f"nina{next(_numbers)}@code4000.example",
            "role": "tutor",
            "prisons": [world.prison.pk],
        },
    ),
    Route("configuration:staff_detail", get=ADMIN_ONLY, kwargs=_pk("staff_member")),
    # Hand on a departing tutor's learners (issue 17 item 8): the POST without
    # `confirmed` shows the confirmation page (200); nothing changes yet.
    Route(
        "configuration:staff_hand_on",
        get=everyone(403, admin=200, rm=200, other_prison=404),
        post=everyone(403, admin=200, rm=200, other_prison=404),
        kwargs=lambda world: {"pk": world.users[Who.TUTOR].pk},
        post_data=lambda world: {"receiving": [world.extra["staff_member"].pk]},
    ),
    Route(
        "configuration:staff_edit",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("staff_member"),
        post_data=lambda world: {
            "full_name": "Sam Staff",
            "role": "regional_manager",
            "prisons": [world.prison.pk],
        },
    ),
    Route(
        "configuration:staff_deactivate",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("staff_member"),
    ),
    Route(
        "configuration:staff_reactivate",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("former_staff"),
    ),
    Route(
        "configuration:staff_two_factor_reset",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("staff_member"),
    ),
    Route(
        "configuration:staff_invitation_resend",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("invited_staff"),
    ),
    Route("configuration:prison_list", get=ADMIN_ONLY),
    Route(
        "configuration:prison_add",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        post_data=lambda world: {
            "code": "NEW",
            "name": "HMP Newtown",
            "region": world.prison.region_id,
        },
    ),
    Route(
        "configuration:prison_edit",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("open_prison"),
        post_data=lambda world: {"name": "HMP Leeds (Armley)", "region": world.prison.region_id},
    ),
    Route(
        "configuration:prison_close",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("open_prison"),
    ),
    Route(
        "configuration:prison_reopen",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("closed_prison"),
    ),
    Route(
        "configuration:region_add",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        post_data=lambda world: {"name": "North East"},
    ),
    Route(
        "configuration:region_edit",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=lambda world: {"pk": world.prison.region_id},
        post_data=lambda world: {"name": "Renamed region"},
    ),
    Route("configuration:curriculum", get=ADMIN_ONLY),
    Route(
        "configuration:track_add",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        post_data=lambda world: {"name": "Rust", "order": 9},
    ),
    Route(
        "configuration:track_edit",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("track"),
        post_data=lambda world: {"name": "Route track", "description": "", "order": 91},
    ),
    Route(
        "configuration:module_add",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=lambda world: {"track_pk": world.extra["track"].pk},
        post_data=lambda world: {
            "title": "Ownership and borrowing",
            "level": "intermediate",
            "required_for_graduation": "no",
            "order": 3,
        },
    ),
    Route(
        "configuration:module_edit",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("module"),
        post_data=lambda world: {
            "title": "Route module",
            "level": "advanced",
            "required_for_graduation": "no",
            "order": 1,
        },
    ),
    Route(
        "configuration:module_retire", get=ADMIN_ONLY, post=ADMIN_ONLY_POST, kwargs=_pk("module")
    ),
    Route(
        "configuration:module_restore",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=_pk("retired_module"),
    ),
    Route("configuration:settings", get=ADMIN_ONLY),
    Route(
        "configuration:reminder_time_edit",
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
        kwargs=lambda world: {"number": 1},
        post_data=lambda world: {"at": "05:45"},
    ),
]
