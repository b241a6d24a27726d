from django.contrib import admin
from django.urls import include, path

from steward.api.main import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("incidents/", include("steward.incidents.urls")),
    path("cmdb/", include("steward.cmdb.urls")),
    path("problems/", include("steward.problems.urls")),
    path("changes/", include("steward.changes.urls")),
    path("", include("steward.web.urls")),
]
