from tests.routes import LOGIN, REDIRECT, Route, Who, everyone

# Pages open to anybody: signed-in users are sent on from the sign-in page.
PUBLIC = dict.fromkeys(Who, 200)
NO_POST = dict.fromkeys(Who, 405)

ROUTES = [
    Route("home", get=everyone(200)),
    Route("healthz", get=PUBLIC, post=NO_POST, page=False),
    Route(
        "accounts:sign_in",
        get={**everyone(REDIRECT), Who.ANONYMOUS: 200},
        post={**everyone(REDIRECT), Who.ANONYMOUS: 200},
        page=False,
    ),
    Route(
        "accounts:sign_out",
        get=everyone(405, anonymous=LOGIN),
        post=everyone(REDIRECT, anonymous=LOGIN),
        page=False,
    ),
    # Already signed in with both factors: the prompt and the set-up send you on.
    Route("accounts:two_factor", get=everyone(REDIRECT), post=everyone(REDIRECT), page=False),
    Route(
        "accounts:two_factor_setup",
        get=everyone(REDIRECT),
        post=everyone(REDIRECT),
        page=False,
    ),
    # New codes need the password and an app code: an empty POST is refused.
    Route("accounts:backup_codes", get=everyone(200), post=everyone(400)),
    Route("accounts:password_change", get=everyone(200), post=everyone(200)),
    Route("accounts:password_change_done", get=everyone(200)),
    # The timeout warning's "Stay signed in": renews the session, shows nothing.
    Route("accounts:keep_alive", get=everyone(405), post=everyone(204), page=False),
    Route("accounts:password_reset", get={**PUBLIC}, post={**PUBLIC}, page=False),
    Route("accounts:password_reset_sent", get=PUBLIC, post=NO_POST, page=False),
    Route(
        "accounts:password_reset_confirm",
        get=PUBLIC,
        post=PUBLIC,
        kwargs=lambda world: {"uidb64": "MQ", "token": "not-a-token"},
        page=False,
    ),
    Route("accounts:password_reset_complete", get=PUBLIC, post=NO_POST, page=False),
]

# The admin site: administrators only; everybody else is sent away (to sign-in,
# or home when already signed in). Checked through its index and user list.
COVERED_PREFIXES = ("admin:",)
ROUTES += [
    Route(
        "admin:index",
        get={**everyone(REDIRECT, anonymous=REDIRECT), Who.ADMIN: 200},
        post={**everyone(REDIRECT, anonymous=REDIRECT), Who.ADMIN: 200},
        page=False,
    ),
    Route(
        "admin:accounts_user_changelist",
        get={**everyone(REDIRECT, anonymous=REDIRECT), Who.ADMIN: 200},
        post={**everyone(REDIRECT, anonymous=REDIRECT), Who.ADMIN: 200},
        page=False,
    ),
]
