from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("checklist/", views.checklist, name="checklist"),
    path("learners/<int:pk>/learning/", views.learning, name="learning"),
    path("learners/<int:pk>/learning/complete/", views.completion_add, name="completion_add"),
    path("learners/<int:pk>/learning/skills/", views.starting_skills, name="starting_skills"),
    path(
        "learners/<int:pk>/learning/graduation-exception/",
        views.graduation_exception,
        name="graduation_exception",
    ),
    path("learners/<int:pk>/reviews/", views.learner_reviews, name="learner_reviews"),
    path("learners/<int:pk>/reviews/start/", views.review_start, name="review_start"),
    path("learners/<int:pk>/reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("learners/<int:pk>/reviews/<int:review_id>/edit/", views.review_edit, name="review_edit"),
    path("learners/<int:pk>/reviews/pause/", views.pause_start, name="pause_start"),
    path(
        "learners/<int:pk>/reviews/pause/<int:pause_id>/end/",
        views.pause_end,
        name="pause_end",
    ),
    path(
        "learners/<int:pk>/interventions/",
        views.learner_interventions,
        name="learner_interventions",
    ),
    path("learners/<int:pk>/interventions/new/", views.intervention_add, name="intervention_add"),
    path(
        "learners/<int:pk>/interventions/<int:intervention_id>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
]
