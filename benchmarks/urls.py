"""The project's URLs plus the bench's bare view: a signed-in request through every
middleware, with no template and no query of its own."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path

from code4000.urls import urlpatterns as project_urlpatterns
from learners.models import Learner


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


# The anchor is Django admin's learner changelist. Learner data is not in the
# project's admin site, so the bench keeps a plain read-only learner admin on a site
# of its own (the project's site is left untouched, for the tests that run after).
bench_admin = admin.AdminSite(name="bench_admin")


class BenchLearnerAdmin(admin.ModelAdmin):
    list_display = ["prison_number", "last_name", "first_name", "prison", "course_status"]
    list_filter = ["prison", "course_status", "custody_status"]
    search_fields = ["prison_number", "last_name", "first_name"]


bench_admin.register(Learner, BenchLearnerAdmin)

urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("bench/admin/", bench_admin.urls),
    *project_urlpatterns,
]
