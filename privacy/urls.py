from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("learners/<int:pk>/", views.learner_privacy, name="learner"),
    path("learners/<int:pk>/subject-access/", views.subject_access_html, name="subject_access"),
    path(
        "learners/<int:pk>/subject-access.json",
        views.subject_access_download,
        name="subject_access_json",
    ),
    path("learners/<int:pk>/erase/", views.erase, name="erase"),
    path("erasure-requests/", views.erasure_requests, name="erasure_requests"),
    path("erasure-requests/<int:pk>/", views.erasure_decide, name="erasure_decide"),
    path("data-requests/", views.data_requests, name="data_requests"),
    path("learners/<int:pk>/data-requests/new/", views.data_request_new, name="data_request_new"),
    path("data-requests/<int:pk>/", views.data_request, name="data_request"),
    path("data-requests/<int:pk>/extend/", views.data_request_extend, name="data_request_extend"),
]
