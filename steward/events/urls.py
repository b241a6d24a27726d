from django.urls import path

from steward.events.views import alerts

app_name = "events"
urlpatterns = [
    path("", alerts.alert_list, name="list"),
    path("<str:pk>/", alerts.alert_detail, name="detail"),
    path("<str:pk>/move/", alerts.alert_move, name="move"),
]
