from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Prison, Region, User
from accounts.two_factor import two_factor_reset

# django-otp's own admin pages show a person's secret (as a QR code) and backup
# codes: an administrator could copy someone's second factor. Devices are managed
# only by the person (enrolment) and the "Reset two-factor sign-in" action below.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class NoDeleteAdmin(admin.ModelAdmin):
    """Prisons and users are deactivated, never deleted; and the admin's delete
    page lists the records that depend on the row (learners, referrals), which
    would put learner data in the admin site. Changes are audited by signals
    (audit.configuration)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(NoDeleteAdmin):
    search_fields = ["name"]


@admin.register(Prison)
class PrisonAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "region", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name"]


class StaffCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role"]


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role", "prisons", "is_active", "is_staff"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "prisons"]
    search_fields = ["full_name", "email"]
    filter_horizontal = ["prisons"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Role and prisons", {"fields": ["role", "prisons"]}),
        ("Access", {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_two_factor"]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "password1", "password2"],
            },
        )
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # see NoDeleteAdmin

    @admin.action(description="Reset two-factor sign-in (they set up their app again)")
    def reset_two_factor(self, request, queryset) -> None:
        for user in queryset:
            two_factor_reset(actor=request.user, user=user)
        self.message_user(
            request,
            f"Two-factor sign-in reset for {queryset.count()} user(s). "
            "They will set up their app at their next sign-in.",
        )
