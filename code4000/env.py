"""Small readers for configuration taken from the environment."""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings(url: str, *, log_bodies: bool = True) -> dict[str, object]:
    """Turn EMAIL_URL into Django email settings.

    console://                          print messages (the embedded default); with
                                        log_bodies=False (production) only a line per email
    locmem://                           keep them in memory (tests)
    smtp://user:password@host:587?tls=true
    smtps://user:password@host:465      implicit TLS
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "console":
        if not log_bodies:
            return {"EMAIL_BACKEND": "code4000.mail.EnvelopeConsoleBackend"}
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        use_tls = query.get("tls", ["false"])[0].lower() in TRUE_WORDS
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": use_tls and scheme == "smtp",
            "EMAIL_TIMEOUT": 10,
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported.")
