"""The project's URLs plus the bench's bare view: a signed-in request through every
middleware, with no template and no query of its own."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path

from code4000.urls import urlpatterns as project_urlpatterns
from learners.models import Learner


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


# The anchor is Django admin's learner changelist. Should learner data leave the
# admin, the bench registers a plain read-only one of its own, so the anchor stays.
if not admin.site.is_registered(Learner):

    @admin.register(Learner)
    class BenchLearnerAdmin(admin.ModelAdmin):
        list_display = ["prison_number", "last_name", "first_name", "prison", "course_status"]
        list_filter = ["prison", "course_status", "custody_status"]
        search_fields = ["prison_number", "last_name", "first_name"]


# The admin's URLs are built when they are first read, so the project's were built
# before the registration above: the bench's own admin path comes first.
urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("admin/", admin.site.urls),
    *project_urlpatterns,
]
