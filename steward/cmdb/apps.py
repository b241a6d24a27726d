from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "steward.cmdb"
    label = "cmdb"
    verbose_name = "CMDB"
