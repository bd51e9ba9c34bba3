"""Settings for Learner Journey, read from the environment.

With nothing set you get the embedded default: SQLite under var/, Celery on
kombu's filesystem transport (no Redis), email printed to the console, DEBUG on.
With DJANGO_ENV=production the app refuses to start without a real SECRET_KEY,
ALLOWED_HOSTS and a PostgreSQL DATABASE_URL.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from code4000.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_str("DJANGO_ENV", "development").strip().lower()
PRODUCTION = ENVIRONMENT == "production"
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")

DEVELOPMENT_SECRET_KEY = "development-only-key-never-used-in-production-7d1f0c2b9a8e4f6b"  # noqa: S105 - production refuses it  # nosec B105
SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'learner-journey.sqlite3'}")

if PRODUCTION:
    missing = [
        name
        for name, value in (
            ("SECRET_KEY", SECRET_KEY),
            ("ALLOWED_HOSTS", ALLOWED_HOSTS),
            ("DATABASE_URL", env_str("DATABASE_URL")),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Production settings need {', '.join(missing)} in the environment."
        )
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be a random value of 50 or more characters.")
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("Production needs a PostgreSQL DATABASE_URL.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
elif not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

INSTALLED_APPS = [
    "accounts.apps.LearnerJourneyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "accounts",
    "audit",
    "learners",
    "reviews",
    "resettlement",
    "reports",
    "privacy",
    "notifications",
    "configuration",
]

MIDDLEWARE = [
    "audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OTPDeviceMiddleware",  # django-otp's, without a query of its own
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.LoginRequiredKeepingAnswersMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "audit.denials.DeniedRequestAuditMiddleware",  # refusals on learner routes (issue 13)
    "audit.configuration.AuditActorMiddleware",  # who changed users and prisons (issue 13)
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it sees the lockout flag the authentication backend sets.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "code4000.urls"
WSGI_APPLICATION = "code4000.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Keep connections open between requests: without it throughput falls to a quarter.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the user's prisons and confirmed devices with the user.
    "accounts.backends.SignedInUserBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_rules.ServiceNameValidator"},
    {"NAME": "accounts.password_rules.PersonalWordsValidator"},
    {"NAME": "accounts.password_rules.CommonPasswordVariantsValidator"},
]

# A reset link works for an hour; at most 3 links an hour for one address typed
# and 10 from one client address (accounts.password_reset).
PASSWORD_RESET_TIMEOUT = 3600
PASSWORD_RESET_LIMIT_PER_ACCOUNT = 3
PASSWORD_RESET_LIMIT_PER_ADDRESS = 10
# Links sent to released learners (issue 18): days a link lasts once sent; wrong
# dates of birth before a link is locked; failed attempts (unknown, expired or used
# links, wrong dates of birth) from one client address in any hour before it is
# refused; and how long the pages stay open after the date of birth matched.
LEARNER_LINK_DAYS = 30
LEARNER_LINK_FAILURES_PER_LINK = 5
LEARNER_LINK_FAILURES_PER_ADDRESS = 20
LEARNER_SESSION_SECONDS = 30 * 60
# How messages reach learners: a class with `channel` and `send(message)`
# (notifications.learner_messages); an SMS backend can be added beside the email one.
LEARNER_MESSAGE_BACKEND = env_str(
    "LEARNER_MESSAGE_BACKEND", "notifications.learner_messages.EmailLearnerBackend"
)

LANGUAGE_CODE = "en-gb"
# Dates read "2 December 2026" everywhere: code4000/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["code4000.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Generated reports: in PostgreSQL, so every web replica serves them (reports/storage.py).
    "reports": {"BACKEND": env_str("REPORT_STORAGE_BACKEND", "reports.storage.DatabaseStorage")},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Sessions: 30 minutes idle, and never more than 12 hours from sign-in
# (accounts.middleware.SessionLifetimeMiddleware); never readable by scripts. The idle
# expiry is renewed by a request at most once a minute (SESSION_RENEW_SECONDS), not
# written on every GET: that write was three round trips on every page.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies in front of the app add X-Forwarded-For (0: none, so
# REMOTE_ADDR is the client). Lockout and the audit trail use it; see audit.client_address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy: scripts and styles only from our own static files,
# nothing inline, no plugins, no framing, no <base> from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Two-factor sign-in (django-otp, TOTP). The issuer is the name authenticator apps show.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Learner Journey")
OTP_TOTP_THROTTLE_FACTOR = 1
TWO_FACTOR_BACKUP_CODES = 10

# Lockout (django-axes, see accounts/lockout.py): 5 failures (wrong passwords or
# security codes) for one account, from any addresses, lock the account for 15
# minutes, even with the right password; 20 failures from one address lock that
# address (staff in one prison share an address). Both factors clear the count.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 5
LOCKOUT_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.lockout_ip_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["code", "new_password1", "new_password2", "old_password"]
AXES_VERBOSE = False
# axes.W006 asks for "ip_address" in AXES_LOCKOUT_PARAMETERS; the per-address
# limit is LockoutHandler's (a higher one, for prisons' shared addresses), which
# the check cannot see. tests/accounts/test_lockout.py holds both limits.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_DISABLE_ACCESS_LOG = True

# Retention (UK GDPR Article 5(1)(e)): how long records are kept, applied nightly by
# `manage.py apply_retention` (scheduled as the "Apply the retention policy" task).
RETENTION_POLICY = {
    # A learner's record is anonymised this many years after the last contact
    # (the latest of the record's last change and its latest timeline entry):
    # names, date of birth (kept as 1 January of the year) and free text are replaced;
    # statuses, prisons and dates stay, so statistics still count them.
    "learner_years_after_last_contact": env_int("RETENTION_LEARNER_YEARS", 6),
    # The audit trail is kept this long; it holds no names, only pseudonymous references.
    "audit_years": env_int("RETENTION_AUDIT_YEARS", 7),
    # Sign-in attempt records (lockout) are kept this many days.
    "sign_in_attempt_days": env_int("RETENTION_SIGN_IN_ATTEMPT_DAYS", 90),
}

# The Justice Data Lab (Ministry of Justice) matches an organisation's participants
# against a comparison group; it asks for at least this many people in a cohort
# (its guidance gives 60), and the export refuses smaller ones.
JUSTICE_DATA_LAB_MINIMUM_COHORT = env_int("JUSTICE_DATA_LAB_MINIMUM_COHORT", 60)

if PRODUCTION:
    # __Host- names: the browser only accepts them Secure, for this host, on path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Email. SITE_URL makes the links in emails absolute.
SITE_URL = env_str("SITE_URL", "http://localhost:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Learner Journey <no-reply@code4000.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
vars().update(
    email_settings(
        env_str("EMAIL_URL", "smtp://localhost:25" if PRODUCTION else "console://"),
        # Emails name learners: production never writes a body to a log.
        log_bodies=not PRODUCTION,
    )
)

# Cache: Redis when there is one, memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# Celery. Without a broker URL the embedded default uses kombu's filesystem
# transport, so the worker and beat still run as real processes without Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("messages", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "messages"),
        "data_folder_out": str(CELERY_BROKER_DIR / "messages"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A task not acknowledged within this time is delivered again (the recovery
    # time when a worker dies mid-task): just above the longest task
    # (CELERY_TASK_TIME_LIMIT). No task may use a countdown or ETA longer than this.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 660),
        # Look for such tasks every 10 seconds (kombu's default is about every 100).
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The longest a task may run (a partner report PDF takes seconds; a batch of 100
# emails at most a few minutes): the worker stops it after this.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's database scheduler, claiming each crontab slot once (code4000/beat.py).
CELERY_BEAT_SCHEDULER = "code4000.beat:SingleBeatScheduler"
# Workers and beat log through LOGGING below (JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Logs: JSON lines with the request id in production (LOG_FORMAT=json|plain).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "code4000.log_format.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "code4000.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
