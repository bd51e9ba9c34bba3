"""The curriculum is configuration: administrators manage tracks and modules here.
Completions, reviews and interventions are learner data and change only through
the app's own pages (which audit each change), so they are not in the admin."""

from django.contrib import admin

from reviews.models import Module, Track


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["order", "title", "level", "required_for_graduation", "retired_on"]
    ordering = ["order", "title"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "track", "order", "level", "required_for_graduation", "retired_on"]
    list_filter = ["track", "level", "required_for_graduation"]
    search_fields = ["title", "track__name"]
    list_select_related = ["track"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A module with completions is retired (set its retired date), never deleted.
        if obj is not None and obj.completions.exists():
            return False
        return super().has_delete_permission(request, obj)
