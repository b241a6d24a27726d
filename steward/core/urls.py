"""Web pages of core: a person's profile and tokens, teams (paths as before the move), and
the administrator's index and user pages."""

from django.urls import path

from steward.core.views import administration, attachments, passwords, profile, teams, users

app_name = "core"
urlpatterns = [
    path("password-reset/", passwords.password_reset, name="password_reset"),
    path("password-reset/sent/", passwords.password_reset_sent, name="password_reset_sent"),
    path("password-reset/done/", passwords.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        passwords.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "attachments/<uuid:attachment_id>/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<slug:kind>/<str:key>/",
        attachments.record_attachments,
        name="attachments",
    ),
    path("administration/", administration.administration, name="administration"),
    path("administration/users/", users.user_list, name="user_list"),
    path("administration/users/new/", users.user_new, name="user_new"),
    path("administration/users/<str:username>/", users.user_edit, name="user_edit"),
    path("administration/users/<str:username>/active/", users.user_active, name="user_active"),
    path("administration/users/<str:username>/invite/", users.user_invite, name="user_invite"),
    path("profile/", profile.profile, name="profile"),
    path("profile/tokens/", profile.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", profile.token_revoke, name="token_revoke"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<slug:slug>/", teams.team_detail, name="team_detail"),
    path(
        "teams/<slug:slug>/members/add/",
        teams.team_member,
        {"action": "add"},
        name="team_member_add",
    ),
    path(
        "teams/<slug:slug>/members/remove/",
        teams.team_member,
        {"action": "remove"},
        name="team_member_remove",
    ),
]
