from django.urls import path

from steward.events.views import alerts, windows

app_name = "events"
urlpatterns = [
    path("", alerts.alert_list, name="list"),
    path("windows/", windows.window_list, name="windows"),
    path("windows/new/", windows.window_new, name="window_new"),
    path("windows/<str:pk>/", windows.window_edit, name="window_edit"),
    path("windows/<str:pk>/end/", windows.window_end, name="window_end"),
    path("windows/<str:pk>/delete/", windows.window_delete, name="window_delete"),
    path("<str:pk>/", alerts.alert_detail, name="detail"),
    path("<str:pk>/move/", alerts.alert_move, name="move"),
]
