from django.urls import path

from steward.changes import views
from steward.changes.pages import cab, calendar, freezes, records

app_name = "changes"
urlpatterns = [
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/<str:token>/teams/<slug:team>.ics", views.team_feed, name="team-feed"),
    path("approve/<str:token>/", views.approval_link, name="approval-link"),
    # the workspace pages (steward/changes/pages/)
    path("", records.change_list, name="list"),
    path("new/", records.change_new, name="new"),
    path("agenda/", cab.agenda, name="agenda"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/feed-links/", calendar.feed_links, name="feed-links"),
    path("freezes/", freezes.freeze_list, name="freezes"),
    path("freezes/new/", freezes.freeze_new, name="freeze-new"),
    path("freezes/<slug:slug>/", freezes.freeze_edit, name="freeze-edit"),
    path("<str:number>/", records.change_detail, name="detail"),
    path("<str:number>/edit/", records.change_edit, name="edit"),
    path("<str:number>/move/", records.change_move, name="move"),
    path("<str:number>/review/", records.change_review, name="review"),
    path("<str:number>/comment/", records.change_comment, name="comment"),
    path("<str:number>/conflicts/", records.change_conflicts, name="conflicts"),
    path("<str:number>/approvals/<int:approval_id>/decide/", cab.decide, name="decide"),
]
