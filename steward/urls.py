from django.contrib import admin
from django.urls import include, path

from steward.api.main import api
from steward.web.views import admin_login

urlpatterns = [
    path("api/", api.urls),
    # one sign-in path: the admin's own login form would skip the throttle of /login/
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("incidents/", include("steward.incidents.urls")),
    path("cmdb/", include("steward.cmdb.urls")),
    path("problems/", include("steward.problems.urls")),
    path("changes/", include("steward.changes.urls")),
    path("sla/", include("steward.sla.urls")),
    path("mailboxes/", include("steward.mailboxes.urls")),
    path("", include("steward.catalog.urls")),  # /catalog/… and /administration/catalog/…
    path("assets/", include("steward.assets.urls")),
    path("software/", include("steward.software.urls")),
    path("knowledge/", include("steward.knowledge.urls")),
    path("events/", include("steward.events.urls")),
    path("automation/", include("steward.automation.urls")),
    path("surveys/", include("steward.surveys.urls")),
    path("reports/", include("steward.reports.urls")),
    path("help/", include("steward.portal.urls")),
    path("", include("steward.core.urls")),
    path("", include("steward.web.urls")),
]
