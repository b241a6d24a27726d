from django.urls import path

from steward.cmdb import views

app_name = "cmdb"
urlpatterns = [
    path("", views.ci_list, name="ci_list"),
    path("cis/<str:number>/", views.ci_detail, name="ci_detail"),
    path("cis/<str:number>/impact/", views.ci_impact, name="ci_impact"),
    path("cis/<str:number>/map/", views.ci_map, name="ci_map"),
]
