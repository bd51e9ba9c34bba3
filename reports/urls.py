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
    path("case-studies/", views.case_study_list, name="case_study_list"),
    path("learner/<int:pk>/case-study", views.case_study_start, name="case_study_start"),
    path("case-studies/<int:pk>/", views.case_study_detail, name="case_study_detail"),
    path("case-studies/<int:pk>/edit", views.case_study_edit, name="case_study_edit"),
    path("case-studies/<int:pk>/approve", views.case_study_approve, name="case_study_approve"),
    path("case-studies/<int:pk>/return", views.case_study_return, name="case_study_return"),
    path("case-studies/<int:pk>/case-study.pdf", views.case_study_pdf, name="case_study_pdf"),
    path(
        "case-studies/<int:pk>/case-study.md", views.case_study_markdown, name="case_study_markdown"
    ),
    path("justice-data-lab/", views.justice_data_lab, name="justice_data_lab"),
    path("justice-data-lab/result", views.justice_data_lab_result, name="justice_data_lab_result"),
]
