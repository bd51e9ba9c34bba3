from django.urls import path

from configuration import views

app_name = "configuration"
urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/invite/", views.staff_invite, name="staff_invite"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path(
        "staff/<int:pk>/security-code/reset/",
        views.staff_two_factor_reset,
        name="staff_two_factor_reset",
    ),
    path(
        "staff/<int:pk>/invitation/resend/",
        views.staff_invitation_resend,
        name="staff_invitation_resend",
    ),
    path("staff/<int:pk>/hand-on/", views.staff_hand_on, name="staff_hand_on"),
    path("prisons/", views.prison_list, name="prison_list"),
    path("prisons/add/", views.prison_add, name="prison_add"),
    path("prisons/<int:pk>/edit/", views.prison_edit, name="prison_edit"),
    path("prisons/<int:pk>/close/", views.prison_close, name="prison_close"),
    path("prisons/<int:pk>/reopen/", views.prison_reopen, name="prison_reopen"),
    path("regions/add/", views.region_add, name="region_add"),
    path("regions/<int:pk>/edit/", views.region_edit, name="region_edit"),
    path("curriculum/", views.curriculum, name="curriculum"),
    path("curriculum/tracks/add/", views.track_add, name="track_add"),
    path("curriculum/tracks/<int:pk>/edit/", views.track_edit, name="track_edit"),
    path("curriculum/tracks/<int:track_pk>/modules/add/", views.module_add, name="module_add"),
    path("curriculum/modules/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path("curriculum/modules/<int:pk>/retire/", views.module_retire, name="module_retire"),
    path("curriculum/modules/<int:pk>/restore/", views.module_restore, name="module_restore"),
    path("settings/", views.settings_page, name="settings"),
    path(
        "settings/reminders/<int:number>/",
        views.reminder_time_edit,
        name="reminder_time_edit",
    ),
]
