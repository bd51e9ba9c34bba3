from django.urls import path, re_path

from resettlement import views
from resettlement.models import Pathway

app_name = "resettlement"
PATHWAY = "(?P<pathway>" + "|".join(Pathway.values) + ")"

urlpatterns = [
    path("shared/", views.shared_list, name="shared_list"),
    path("learners/<int:pk>/plan/", views.plan, name="plan"),
    path("learners/<int:pk>/plan/start/", views.plan_start, name="plan_start"),
    re_path(
        rf"^learners/(?P<pk>[0-9]+)/plan/{PATHWAY}/status/$",
        views.pathway_edit,
        name="pathway_edit",
    ),
    re_path(
        rf"^learners/(?P<pk>[0-9]+)/plan/{PATHWAY}/actions/add/$",
        views.action_add,
        name="action_add",
    ),
    path("learners/<int:pk>/plan/actions/<int:action_pk>/", views.action_edit, name="action_edit"),
    path(
        "learners/<int:pk>/plan/actions/<int:action_pk>/updates/add/",
        views.action_update_add,
        name="action_update_add",
    ),
    path("learners/<int:pk>/plan/comments/add/", views.comment_add, name="comment_add"),
    path("learners/<int:pk>/release/", views.release_overview, name="release_overview"),
    path("learners/<int:pk>/release/record/", views.release_record, name="release_record"),
    path("learners/<int:pk>/release/return/", views.custody_return, name="custody_return"),
    path(
        "learners/<int:pk>/follow-ups/<int:follow_up_pk>/",
        views.follow_up_record,
        name="follow_up_record",
    ),
    path("learners/<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("learners/<int:pk>/applications/add/", views.application_add, name="application_add"),
    path(
        "learners/<int:pk>/applications/<int:application_pk>/move/",
        views.application_move,
        name="application_move",
    ),
    path(
        "learners/<int:pk>/applications/<int:application_pk>/edit/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "learners/<int:pk>/applications/<int:application_pk>/close/",
        views.application_close,
        name="application_close",
    ),
    path(
        "learners/<int:pk>/applications/<int:application_pk>/reopen/",
        views.application_reopen,
        name="application_reopen",
    ),
    path("learners/<int:pk>/mentors/add/", views.mentor_match_add, name="mentor_match_add"),
    path(
        "learners/<int:pk>/mentors/<int:match_pk>/end/",
        views.mentor_match_end,
        name="mentor_match_end",
    ),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/add/", views.employer_add, name="employer_add"),
    path(
        "employers/<int:employer_pk>/opportunities/add/",
        views.opportunity_add,
        name="opportunity_add",
    ),
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/add/", views.mentor_add, name="mentor_add"),
    path("employers/<int:employer_pk>/edit/", views.employer_edit, name="employer_edit"),
    path(
        "opportunities/<int:opportunity_pk>/edit/",
        views.opportunity_edit,
        name="opportunity_edit",
    ),
    path(
        "opportunities/<int:opportunity_pk>/close/",
        views.opportunity_close,
        name="opportunity_close",
    ),
    path(
        "opportunities/<int:opportunity_pk>/reopen/",
        views.opportunity_reopen,
        name="opportunity_reopen",
    ),
    path("mentors/<int:mentor_pk>/edit/", views.mentor_edit, name="mentor_edit"),
    path("mentors/<int:mentor_pk>/pause/", views.mentor_pause, name="mentor_pause"),
    path("mentors/<int:mentor_pk>/resume/", views.mentor_resume, name="mentor_resume"),
]
