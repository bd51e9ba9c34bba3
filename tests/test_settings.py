"""Production settings refuse to start without real configuration, and pass
Django's deployment checks when given it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-for-the-test-only-" + "x7Qz9" * 8,
    "ALLOWED_HOSTS": "learner-journey.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/learner_journey",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in GOOD and k != "DEBUG"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "Production settings need SECRET_KEY"),
        ("ALLOWED_HOSTS", "Production settings need ALLOWED_HOSTS"),
        ("DATABASE_URL", "Production settings need DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_short_or_development_secret_key():
    result = run_manage("check", env={**GOOD, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "SECRET_KEY must be a random value" in result.stderr


def test_production_refuses_sqlite():
    result = run_manage("check", env={**GOOD, "DATABASE_URL": "sqlite:///tmp/x.sqlite3"})
    assert result.returncode != 0
    assert "Production needs a PostgreSQL DATABASE_URL" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PRINT_DEFAULTS = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'code4000.settings');"
    "django.setup(); from django.conf import settings as s;"
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.DEBUG, s.EMAIL_BACKEND)"
)


def test_the_embedded_default_needs_nothing_set(tmp_path):
    unset = {*GOOD, "EMAIL_URL", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_DEFAULTS],
        cwd=ROOT,
        env={**env, "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_production_cookies_are_host_prefixed_and_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.SECURE_HSTS_SECONDS > 0)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "Lax",
        "True",
    ]


def test_development_cookies_work_over_plain_http():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE)",
        env={"DJANGO_ENV": "development"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sessionid", "False"]
