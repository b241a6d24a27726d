"""The Django admin for superusers only.

Administrators configure Steward on its own pages (the "Administration" entry), which go
through the services: permission checks, validation, audit and outbox. The Django admin
writes the tables directly, so it is kept for operators (superusers) and the few things only
it offers (retrying dead-lettered mail and events); a staff flag alone no longer opens it.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Steward operators"
    site_title = "Steward operators"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
