"""Office and admin pages for organisations, members, rosters and users, mounted at /organisations/."""

from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/suspend/", views.organisation_suspend, name="suspend"),
    path("<int:pk>/reinstate/", views.organisation_reinstate, name="reinstate"),
    path("<int:pk>/members/", views.organisation_members, name="members"),
    path("<int:pk>/roster/", views.organisation_roster, name="roster"),
    path("<int:pk>/applicants/new/", views.applicant_open, name="applicant_open"),
    path("<int:pk>/members/<int:user_pk>/password-reset/", views.password_reset, name="password_reset"),
    path("memberships/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("roster/<int:pk>/remove/", views.roster_remove, name="roster_remove"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
]
