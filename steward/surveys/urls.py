from django.urls import path

from steward.surveys.views import pages

app_name = "surveys"
urlpatterns = [
    path("", pages.survey_list, name="list"),
    path("settings/", pages.survey_settings, name="settings"),
    path("rate/<str:token>/", pages.rate, name="rate"),
    path("<str:pk>/", pages.survey_detail, name="detail"),
]
