from django.contrib import admin

from resettlement.models import Employer, Mentor, Opportunity


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "hired_with_convictions"]
    search_fields = ["name"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["role", "employer", "kind", "closing_on"]
    list_select_related = ["employer"]


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "availability"]
    search_fields = ["name", "organisation"]
