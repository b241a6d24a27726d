from django.urls import path

from steward.problems import views

app_name = "problems"
urlpatterns = [
    path("", views.queue, name="problem_list"),
    path("new/", views.create, name="create"),
    path("for-incident/<str:incident_number>/", views.for_incident, name="for_incident"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/update/", views.update, name="update"),
    path("<str:number>/comment/", views.comment, name="comment"),
    path("<str:number>/link/", views.link, name="link"),
    path("<str:number>/unlink/<str:incident_number>/", views.unlink, name="unlink"),
]
