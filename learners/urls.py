from django.urls import path

from learners import views

app_name = "learners"
urlpatterns = [
    path("", views.caseload, name="list"),
    path("enrol/", views.enrol, name="enrol"),
    path("import/", views.import_start, name="import"),
    path(
        "needs-regional-manager/",
        views.needs_regional_manager,
        name="needs_regional_manager",
    ),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/intake/", views.intake, name="intake"),
    path("<int:pk>/intake/edit/", views.intake_edit, name="intake_edit"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/status/<str:field>/", views.status_change, name="status_change"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path(
        "<int:pk>/regional-manager/",
        views.regional_manager_change,
        name="regional_manager_change",
    ),
]
