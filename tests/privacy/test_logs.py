"""Logs hold no personal data: the access log leaves out query strings (a search
for a learner's name) and the Referer, and in production an email's subject and
body never reach the worker's log, even with EMAIL_URL=console://."""

import datetime as dt
import runpy
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from tests.test_settings import GOOD, ROOT, run_manage


def _access_line(environ: dict) -> str:
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("access_log_format", settings["access_log_format"])
    logger = Logger(config)
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("USER-AGENT", "Firefox")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=42))
    return config.access_log_format % SafeAtoms(atoms)


def test_the_access_log_leaves_out_query_strings_and_the_referer():
    line = _access_line(
        {
            "REMOTE_ADDR": "10.0.0.7",
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/learners/?q=Zqsurname",
            "PATH_INFO": "/learners/",
            "QUERY_STRING": "q=Zqsurname",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_REFERER": "https://lj.example/learners/?q=Zqearlier",
            "HTTP_USER_AGENT": "Firefox",
        }
    )
    assert '"GET /learners/ HTTP/1.1" 200 512 42ms' in line
    assert "10.0.0.7" in line
    assert "Zq" not in line


def test_gunicorn_reads_the_settings_from_the_working_directory():
    # The image runs gunicorn in /app, where `COPY . .` puts gunicorn.conf.py.
    assert Config().settings["config"].get() == "./gunicorn.conf.py"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "WORKDIR /app" in dockerfile and "COPY . ." in dockerfile
    for name in ("Dockerfile", "docker-compose.yml"):
        text = (ROOT / name).read_text()
        assert "access-logformat" not in text and "--config" not in text


def test_production_console_email_logs_no_subject_or_body():
    script = (
        "from django.core.mail import send_mail; "
        "send_mail('Review due for Zqsubject', 'Body naming Zqbody', "
        "'no-reply@lj.example', ['tutor@lj.example'])"
    )
    result = run_manage("shell", "-c", script, env={**GOOD, "EMAIL_URL": "console://"})
    assert result.returncode == 0, result.stderr
    assert "Email sent to 1 recipient(s)" in result.stdout
    assert "Zq" not in result.stdout + result.stderr


def test_development_console_email_still_prints_the_message():
    script = (
        "from django.core.mail import send_mail; "
        "send_mail('Hello', 'Zqdev', 'a@x.org', ['b@x.org'])"
    )
    env = {"DJANGO_ENV": "development", "EMAIL_URL": "console://"}
    result = run_manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert "Zqdev" in result.stdout
