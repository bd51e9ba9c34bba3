"""Answers kept across a sign-out, so a long form is not lost to the idle timeout.

When a form is posted by someone whose session has ended, the sign-in redirect
keeps the posted fields on the server (the cache), tied to the person whose
session it was and to the form's path, for KEEP_SECONDS. After they sign in
again, the form's view asks `restored_answers(request)` and shows the form with
those answers and a message saying what happened. Nothing is saved until they
submit it again. Passwords, codes, tokens and files are never kept, and the
answers never travel in a URL.
"""

import hashlib
import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.http import HttpRequest, QueryDict

KEEP_SECONDS = 4 * 60 * 60
# Field names never kept: secrets, and the CSRF token (a new one is issued at sign-in).
NOT_KEPT = re.compile(r"(^|_)(password\d*|token|secret|otp|code)(_|$)|csrf", re.IGNORECASE)

RESTORED_MESSAGE = (
    "You were signed out because the page was left for too long, so your answers "
    "were not saved. They have been put back in the form: check them and save again."
)


def _key(user_id: int | str, path: str) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()
    return f"kept-answers:{user_id}:{digest}"


def _owner_of_ended_session(request: HttpRequest) -> str | None:
    """The user whose session the browser still presents, though it has expired.
    The expired row stays until `clearsessions` runs; without it nobody owns the answers."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    row = Session.objects.filter(session_key=session_key).first()
    if row is None:
        return None
    return row.get_decoded().get(SESSION_KEY)


def keep_answers(request: HttpRequest, *, user_id: int | str | None = None) -> bool:
    """Keep the fields of a POST that arrived after its sender's session ended."""
    if request.method != "POST":
        return False
    owner = user_id if user_id is not None else _owner_of_ended_session(request)
    if owner is None:
        return False
    fields = {name: values for name, values in request.POST.lists() if not NOT_KEPT.search(name)}
    if not fields:
        return False
    cache.set(
        _key(owner, request.path),
        {"fields": fields, "kept_at": time.time()},
        timeout=KEEP_SECONDS,
    )
    return True


def restored_answers(request: HttpRequest) -> QueryDict | None:
    """The answers kept for this user on this page, once, with a message; else None."""
    user = request.user
    if request.method != "GET" or not user.is_authenticated:
        return None
    kept = cache.get(_key(user.pk, request.path))
    if kept is None:
        return None
    cache.delete(_key(user.pk, request.path))
    if time.time() - kept["kept_at"] > KEEP_SECONDS:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    data._mutable = False
    messages.warning(request, RESTORED_MESSAGE)
    return data
