from django.urls import path

from steward.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path(
        "teams/<slug:slug>/members/add/",
        views.team_member,
        {"action": "add"},
        name="team_member_add",
    ),
    path(
        "teams/<slug:slug>/members/remove/",
        views.team_member,
        {"action": "remove"},
        name="team_member_remove",
    ),
]
