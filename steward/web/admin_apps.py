"""``django.contrib.admin`` with its site for superusers only (``admin_site``); in its own
module because a module of ``AppConfig``s names the app's default one."""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    default_site = "steward.web.admin_site.SuperuserAdminSite"
