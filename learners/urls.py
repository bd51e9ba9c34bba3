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
    path("<int:pk>/intake/edit/check/", views.intake_check, name="intake_check"),
    path("<int:pk>/intake/edit/discard/", views.intake_discard, name="intake_discard"),
    path("<int:pk>/intake/edit/<slug:step>/", views.intake_step, name="intake_step"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/status/<str:field>/", views.status_change, name="status_change"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/consents/", views.consents, name="consents"),
    path("<int:pk>/consents/<str:kind>/", views.consent_change, name="consent_change"),
    path("<int:pk>/case-notes/", views.case_notes, name="case_notes"),
    path("<int:pk>/case-notes/new/", views.case_note_new, name="case_note_new"),
    path(
        "<int:pk>/case-notes/<int:note_pk>/correction/",
        views.case_note_correction,
        name="case_note_correction",
    ),
    path(
        "<int:pk>/regional-manager/",
        views.regional_manager_change,
        name="regional_manager_change",
    ),
]
