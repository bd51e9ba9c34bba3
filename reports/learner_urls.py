"""Pages for released learners themselves (issue 18), reached from the link they
are sent. Open to anybody: the date of birth is the gate (reports.views)."""

from django.urls import path

from reports import views

app_name = "own"
urlpatterns = [
    path("report/", views.own_report, name="report"),
    path("thanks/", views.own_thanks, name="thanks"),
    path("progress/", views.own_progress, name="progress"),
    path("progress.pdf", views.own_progress_pdf, name="progress_pdf"),
    path("ended/", views.own_ended, name="ended"),
    path("<str:token>/", views.own_start, name="start"),
]
