import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from accounts.kept_answers import keep_answers

SIGNED_IN_AT = "signed_in_at"
RENEWED_AT = "renewed_at"

# What a person who has given a password but not yet a code may open.
HALF_SIGNED_IN_URL_NAMES = frozenset(
    {"accounts:two_factor", "accounts:two_factor_setup", "accounts:sign_out", "healthz"}
)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user hold personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionLifetimeMiddleware:
    """Ends a session 12 hours (SESSION_ABSOLUTE_SECONDS) after sign-in, however
    active it has been. The idle limit is the session's age (SESSION_COOKIE_AGE),
    renewed by saving the session when a request comes SESSION_RENEW_SECONDS or
    more after the last renewal: an idle session still ends within the limit, and
    most requests write nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SIGNED_IN_AT)
            if started is None:
                request.session[SIGNED_IN_AT] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_SECONDS:
                keep_answers(request, user_id=user.pk)
                logout(request)
                messages.info(request, "You were signed out after 12 hours. Sign in again.")
                return redirect_to_login(request.get_full_path())
            renewed = request.session.get(RENEWED_AT)
            if renewed is None or now - int(renewed) >= settings.SESSION_RENEW_SECONDS:
                request.session[RENEWED_AT] = now  # marks the session modified: saved
        return self.get_response(request)


class LoginRequiredKeepingAnswersMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except that a form posted after its
    sender's session ended keeps its answers for them to finish after signing in."""

    def handle_no_permission(self, request, view_func):
        keep_answers(request)
        return super().handle_no_permission(request, view_func)


class TwoFactorRequiredMiddleware:
    """After the password, every page but the code prompt (and sign-out) sends the
    person to the code prompt, or to set up an app if they have none yet. The
    admin site is covered too. Pages open to anybody (password reset) stay open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in HALF_SIGNED_IN_URL_NAMES:
            return None
        if not getattr(view_func, "login_required", True):
            return None
        from accounts.two_factor import has_confirmed_device

        target = "accounts:two_factor_setup"
        if has_confirmed_device(user):
            target = "accounts:two_factor"
        return redirect_to_login(request.get_full_path(), resolve_url(target))


class OTPDeviceMiddleware(OTPMiddleware):
    """django-otp's middleware, checking the session's second-factor device
    against the confirmed devices the sign-in backend (accounts.backends) loaded
    with the user, instead of a query of its own on every request. The check is
    the same: the device must belong to the user and be confirmed, or the user is
    not verified and the session forgets it. The device row itself is loaded only
    if a page uses it."""

    def _verify_user_sync(self, request, user):
        confirmed = getattr(user, "confirmed_device_ids", None)
        if confirmed is None or not user.is_authenticated:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = None
        if persistent_id:
            persistent_id = self._normalize_persistent_id(persistent_id)
            if persistent_id in confirmed:
                device = SimpleLazyObject(
                    functools.partial(Device.from_persistent_id, persistent_id)
                )
        if device is None and DEVICE_ID_SESSION_KEY in request.session:
            del request.session[DEVICE_ID_SESSION_KEY]
        user.otp_device = device
        return user
