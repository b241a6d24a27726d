from django.urls import path

from steward.automation.views import rules

app_name = "automation"
urlpatterns = [
    path("", rules.rule_list, name="list"),
    path("new/", rules.rule_new, name="new"),
    path("<str:pk>/", rules.rule_detail, name="detail"),
    path("<str:pk>/edit/", rules.rule_edit, name="edit"),
    path("<str:pk>/toggle/", rules.rule_toggle, name="toggle"),
    path("<str:pk>/delete/", rules.rule_delete, name="delete"),
]
