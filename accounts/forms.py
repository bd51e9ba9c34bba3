from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

SIGN_IN_ERROR = (
    "Enter a correct email address and password. If you have forgotten your "
    "password, you can reset it."
)


def _helper(*fields: str, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*(Field(name) for name in fields), Button("submit", button))
    return helper


class SignInForm(AuthenticationForm):
    """Sign in with email. Unknown email and wrong password get the same message."""

    error_messages = {
        "invalid_login": SIGN_IN_ERROR,
        "inactive": SIGN_IN_ERROR,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label="Email address",
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
            error_messages={
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
            },
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username"),
            Field("password"),
            Button("submit", "Sign in"),
        )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class StaffPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "old_password", "new_password1", "new_password2", button="Change password"
        )


class StaffPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.helper = _helper("email", button="Send reset link")

    def save(self, *args, **kwargs) -> None:
        raise NotImplementedError("Reset requests go through accounts.password_reset.")


class StaffSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("new_password1", "new_password2", button="Set password")


def locked_out_message(wait) -> str:
    """What a locked-out person is told: how long to wait, and nothing about
    whether the account exists."""
    import math

    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"You cannot sign in for the next {minutes} {unit} because of too many failed "
        "attempts. Try again after that, or ask an administrator to help."
    )


class TwoFactorCodeForm(forms.Form):
    """The code after the password: six digits from the app, or a backup code."""

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args, button: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("code", field_width=10), Button("submit", button))

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class BackupCodesForm(forms.Form):
    """Making new backup codes: the password and a code from the app, again."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    code = forms.CharField(
        label="Security code from your authenticator app",
        help_text="The 6-digit code your app shows now. A backup code does not work here.",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("password"),
            Field.text("code", field_width=10),
            Button("submit", "Make new backup codes"),
        )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())
