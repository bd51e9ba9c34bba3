from django.contrib import admin
from django.urls import include, path

from accounts.views import home
from code4000.health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("learners/", include("learners.urls")),
    path("reviews/", include("reviews.urls")),
    path("resettlement/", include("resettlement.urls")),
    path("reports/", include("reports.urls")),
    path("you/", include("reports.learner_urls")),
    path("audit/", include("audit.urls")),
    path("privacy/", include("privacy.urls")),
    path("notifications/", include("notifications.urls")),
    path("configuration/", include("configuration.urls")),
    path("admin/", admin.site.urls),
]
