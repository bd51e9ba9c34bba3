from django.contrib import admin

from learners.models import Learner


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    """Read-only in the admin: learner records change through the app's own pages,
    which audit every change."""

    list_display = ["prison_number", "last_name", "first_name", "prison", "course_status"]
    list_filter = ["prison", "course_status", "custody_status"]
    search_fields = ["prison_number", "last_name", "first_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
