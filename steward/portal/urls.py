from django.urls import path

from steward.portal.views import pages

app_name = "portal"
urlpatterns = [
    path("", pages.home, name="home"),
    path("report/", pages.report, name="report"),
    path("mine/", pages.my_incidents, name="list"),
    path("articles/<str:number>/", pages.detail, name="detail"),
]
