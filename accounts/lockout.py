"""How django-axes recognises an account and an address, and what a locked-out
person sees. Wired in settings (AXES_*_CALLABLE)."""

from django.shortcuts import render

from accounts.forms import LOCKED_OUT_MESSAGE


def lockout_username(request, credentials) -> str:
    """The account being tried, normalised as sign-in normalises it, so "A@x" and
    "a@x " count against the same account."""
    typed = ""
    if credentials:
        typed = credentials.get("username") or credentials.get("email") or ""
    if not typed and request is not None:
        typed = request.POST.get("username", "")
    return str(typed).strip().lower()[:254]


def lockout_ip_address(request) -> str:
    """The address the audit trail records too (the proxy sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or ""


def lockout_response(request, credentials, *args, **kwargs):
    """The sign-in page again, with a plain message that says nothing about
    whether the account exists. 429 tells scripts to slow down."""
    from accounts.forms import SignInForm

    form = SignInForm(request, initial={"username": lockout_username(request, credentials)})
    context = {"form": form, "locked_out_message": LOCKED_OUT_MESSAGE}
    return render(request, "accounts/sign_in.html", context, status=429)
