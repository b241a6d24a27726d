from django.urls import path

from steward.reports.views import reports

app_name = "reports"
urlpatterns = [
    path("", reports.report_list, name="list"),
    path("<slug:name>.csv", reports.report_export, name="export"),
    path("<slug:name>/", reports.report_detail, name="detail"),
]
