from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "steward.api"
    label = "steward_api"
