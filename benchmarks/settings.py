"""Settings for `make bench`: the project's own, with DEBUG off, loopback hosts and
a URLconf that adds the bare view (the floor every signed-in request pays)."""

from code4000.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "benchmarks.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
