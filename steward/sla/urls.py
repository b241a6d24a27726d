from django.urls import path

from steward.sla.views import calendars, policies

app_name = "sla"
urlpatterns = [
    path("", policies.policy_list, name="list"),
    path("policies/new/", policies.policy_new, name="new"),
    path("policies/<slug:slug>/", policies.policy_detail, name="detail"),
    path("policies/<slug:slug>/edit/", policies.policy_edit, name="edit"),
    path("calendars/", calendars.calendar_list, name="calendar_list"),
    path("calendars/new/", calendars.calendar_new, name="calendar_new"),
    path("calendars/<slug:slug>/", calendars.calendar_detail, name="calendar_detail"),
    path("calendars/<slug:slug>/edit/", calendars.calendar_edit, name="calendar_edit"),
]
