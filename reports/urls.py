from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("impact.csv", views.impact_csv, name="impact_csv"),
    path("caseload.csv", views.caseload_csv, name="caseload_csv"),
    path("partner/", views.partner_list, name="partner_list"),
    path("partner/<int:run_id>/", views.partner_detail, name="partner_detail"),
    path("partner/<int:run_id>/again", views.partner_regenerate, name="partner_regenerate"),
    path("partner/<int:run_id>/download", views.partner_download, name="partner_download"),
    path("learner/<int:pk>/progress.pdf", views.learner_progress_pdf, name="learner_progress_pdf"),
]
