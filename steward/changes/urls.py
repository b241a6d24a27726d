from django.urls import path

from steward.changes.views import cab, calendar, configuration, detail, feeds, freezes, records

app_name = "changes"
urlpatterns = [
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
    path("feed/<str:token>/teams/<slug:team>.ics", feeds.team_feed, name="team_feed"),
    path("approve/<str:token>/", feeds.approval_link, name="approval_link"),
    path("", records.change_list, name="list"),
    path("new/", records.change_new, name="new"),
    path("agenda/", cab.agenda, name="agenda"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/feed-links/", calendar.feed_links, name="feed_links"),
    path("freezes/", freezes.freeze_list, name="freezes"),
    path("freezes/new/", freezes.freeze_new, name="freeze_new"),
    path("freezes/<slug:slug>/", freezes.freeze_edit, name="freeze_edit"),
    path("templates/", configuration.template_list, name="template_list"),
    path("templates/new/", configuration.template_new, name="template_new"),
    path("templates/<slug:slug>/", configuration.template_edit, name="template_edit"),
    path("delegations/", configuration.delegation_list, name="delegation_list"),
    path("delegations/new/", configuration.delegation_new, name="delegation_new"),
    path("delegations/<int:delegation_id>/", configuration.delegation_edit, name="delegation_edit"),
    path(
        "delegations/<int:delegation_id>/end/",
        configuration.delegation_end,
        name="delegation_end",
    ),
    path("<str:number>/", detail.change_detail, name="detail"),
    path("<str:number>/edit/", records.change_edit, name="edit"),
    path("<str:number>/move/", detail.change_move, name="move"),
    path("<str:number>/review/", detail.change_review, name="review"),
    path("<str:number>/comment/", detail.change_comment, name="comment"),
    path("<str:number>/conflicts/", detail.change_conflicts, name="conflicts"),
    path("<str:number>/approvals/<int:approval_id>/decide/", cab.decide, name="decide"),
]
