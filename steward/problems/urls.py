from django.urls import path

from steward.problems.views import links, listing, records

app_name = "problems"
urlpatterns = [
    path("", listing.problem_list, name="list"),
    path("new/", records.new, name="new"),
    path("for-incident/<str:incident_number>/", links.for_incident, name="for_incident"),
    path("<str:number>/", records.detail, name="detail"),
    path("<str:number>/edit/", records.edit, name="edit"),
    path("<str:number>/comment/", records.comment, name="comment"),
    path("<str:number>/link/", links.link, name="link"),
    path("<str:number>/unlink/<str:incident_number>/", links.unlink, name="unlink"),
]
