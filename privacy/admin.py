from django.contrib import admin

from privacy.models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "trigger",
        "dry_run",
        "learners_anonymised",
        "audit_events_removed",
        "sign_in_attempts_removed",
    ]
    list_filter = ["dry_run", "trigger"]
    readonly_fields = [f.name for f in RetentionRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
