from tests.routes import LOGIN, REDIRECT, Route, Who, everyone


def build(world) -> None:
    from notifications.models import Notification, NotificationKind

    world.extra["notification"] = Notification.objects.create(
        recipient=world.users[Who.RM],
        kind=NotificationKind.INTAKE_NOT_HELD,
        learner=world.learner,
        object_type="learners.learner",
        object_id=str(world.learner.pk),
        due_on=world.learner.joined_on,
        summary="Intake interview for Jamie Doyle not held.",
    )


ROUTES = [
    Route("notifications:list", get=everyone(200)),
    Route(
        "notifications:read",
        # Only the recipient may mark it; anybody else gets 404, as if it did not exist.
        get=everyone(405, anonymous=LOGIN),
        post={**everyone(404, anonymous=LOGIN), Who.RM: REDIRECT},
        kwargs=lambda world: {"pk": world.extra["notification"].pk},
        page=False,
    ),
    Route(
        "notifications:read_all",
        get=everyone(405, anonymous=LOGIN),
        post=everyone(REDIRECT, anonymous=LOGIN),
        page=False,
    ),
    Route(
        "notifications:preferences",
        get=everyone(200),
        post=everyone(REDIRECT, anonymous=LOGIN),
        post_data=lambda world: {"email_mode": "daily", "weekly_digest": "on"},
    ),
    Route(
        "notifications:test_email",
        get=everyone(405, anonymous=LOGIN),
        post=everyone(REDIRECT, anonymous=LOGIN),
        page=False,
    ),
]
