import time

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import (
    BackupCodesForm,
    SignInForm,
    StaffPasswordChangeForm,
    StaffPasswordResetForm,
    StaffSetPasswordForm,
    TwoFactorCodeForm,
)
from accounts.home import home_sections
from accounts.lockout import is_locked_out, lockout_response
from accounts.middleware import RENEWED_AT
from accounts.password_reset import password_reset_request, wait_message
from accounts.selectors import prisons_for_user
from accounts.tasks import password_changed_email_queue
from accounts.two_factor import (
    backup_codes_left,
    backup_codes_regenerate,
    has_confirmed_device,
    qr_code_data_uri,
    secret_for_typing,
    totp_device_pending,
    two_factor_enrol,
    two_factor_verify,
)
from audit.client_address import client_address
from audit.services import audit_record

TWO_FACTOR_ERROR = "Enter the current code from your authenticator app, or an unused backup code"


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        # The password is the first step: the code prompt comes next.
        query = urlencode({"next": super().get_success_url()})
        return f"{resolve_url('accounts:two_factor')}?{query}"


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StaffPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="auth.password_change", obj=form.user)
        password_changed_email_queue(form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for a reset link. The same answer, work and time whether or not the
    address has an account; limited per account and per address."""

    form_class = StaffPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_sent")

    def form_valid(self, form):
        wait = password_reset_request(
            email=form.cleaned_data["email"], address=client_address(self.request)
        )
        if wait is not None:
            form.add_error("email", wait_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return redirect(self.success_url)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = StaffSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=None,
            action="auth.password_reset",
            obj=form.user,
            actor_label=form.user.email,
        )
        password_changed_email_queue(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_GET
def home(request):
    return render(
        request,
        "home.html",
        {"prisons": prisons_for_user(request.user), "sections": home_sections(request)},
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


def _locked_out(request):
    """Sign the half-signed-in person out and show how long to wait."""
    credentials = {"username": request.user.email}
    logout(request)
    return lockout_response(request, credentials)


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """The code prompt after the password. A wrong code counts towards the lockout."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not has_confirmed_device(request.user):
        return redirect_to_login(_next_url(request), resolve_url("accounts:two_factor_setup"))
    if is_locked_out(request, request.user):
        return _locked_out(request)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        if is_locked_out(request, request.user):
            return _locked_out(request)
        form.add_error("code", TWO_FACTOR_ERROR)
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """First sign-in (or after an administrator's reset): scan a QR code, type a code."""
    if has_confirmed_device(request.user):
        return redirect("accounts:two_factor" if not request.user.is_verified() else "home")
    device = totp_device_pending(request.user)
    form = TwoFactorCodeForm(request.POST or None, button="Confirm and continue")
    if request.method == "POST" and form.is_valid():
        codes = two_factor_enrol(request=request, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            return _show_new_codes(request, codes, first_time=True)
        form.add_error("code", TWO_FACTOR_ERROR)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_code_data_uri(device),
            "secret": secret_for_typing(device),
        },
        status=400 if form.errors else 200,
    )


def _show_new_codes(request, codes: list[str], *, first_time: bool = False):
    """The one time the codes are shown: only their digests are kept."""
    return render(
        request,
        "accounts/backup_codes_new.html",
        {"codes": codes, "first_time": first_time, "next": _next_url(request)},
    )


@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """How many backup codes are left, and a new set (which replaces them all)
    for the password and a code from the app, typed again."""
    if is_locked_out(request, request.user):
        return _locked_out(request)
    form = BackupCodesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes, errors = backup_codes_regenerate(
            request=request,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
        )
        if codes:
            return _show_new_codes(request, codes)
        if is_locked_out(request, request.user):
            return _locked_out(request)
        for field, message in errors.items():
            form.add_error(field, message)
    return render(
        request,
        "accounts/backup_codes.html",
        {"form": form, "left": backup_codes_left(request.user)},
        status=400 if form.errors else 200,
    )


@require_POST
def keep_alive(request):
    """The timeout warning's "Stay signed in": renews the session's idle expiry
    now, whenever it was last renewed. Nothing to show: 204 leaves a page as it is."""
    request.session[RENEWED_AT] = int(time.time())
    return HttpResponse(status=204)
