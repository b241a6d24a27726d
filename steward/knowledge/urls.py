from django.urls import path

from steward.knowledge.views import articles, reading, stats

app_name = "knowledge"
urlpatterns = [
    path("", reading.article_list, name="list"),
    path("new/", articles.article_new, name="new"),
    path("suggest/", reading.suggest, name="suggest"),
    path("stats/", stats.article_stats, name="stats"),
    path("from-incident/<str:number>/", articles.from_incident, name="from_incident"),
    path("<str:number>/", reading.detail, name="detail"),
    path("<str:number>/edit/", articles.article_edit, name="edit"),
    path("<str:number>/move/", articles.move, name="move"),
    path("<str:number>/vote/", reading.vote, name="vote"),
    path("<str:number>/versions/<int:revision>/", reading.version, name="version"),
]
