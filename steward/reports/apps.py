from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "steward.reports"
    label = "reports"
    verbose_name = "Reports"
