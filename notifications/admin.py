"""Administrators see failed emails, digests, sweep runs and the outbox. All are
read-only: they are written by the sweep and the workers. Notifications name a
learner, so they are not here (issue 13: no learner data in the admin site). The schedule
itself (django-celery-beat's periodic tasks) is edited under "Periodic tasks"."""

from django.contrib import admin

from notifications.models import (
    DeliveryFailure,
    Digest,
    NotificationPreference,
    OutboxMessage,
    SweepRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DeliveryFailure)
class DeliveryFailureAdmin(ReadOnlyAdmin):
    list_display = ["failed_at", "recipient", "attempts", "what", "error"]
    list_select_related = ["recipient", "notification", "digest"]
    search_fields = ["recipient__email"]
    # The notification's summary names the learner: show its kind only.
    fields = ["failed_at", "recipient", "attempts", "what", "error"]
    readonly_fields = fields

    @admin.display(description="Email")
    def what(self, obj: DeliveryFailure) -> str:
        if obj.notification_id:
            return obj.notification.get_kind_display()
        return obj.digest.get_kind_display() if obj.digest_id else ""


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "kind", "recipient", "email_status", "emailed_at"]
    list_filter = ["kind", "email_status"]
    list_select_related = ["recipient"]


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "run_on", "trigger", "findings", "created", "finished_at"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "task_name", "dispatched_at", "attempts", "last_error"]
    list_filter = [("dispatched_at", admin.EmptyFieldListFilter), "task_name"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode", "weekly_digest", "updated_at"]
    list_filter = ["email_mode", "weekly_digest"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
