from django.contrib import admin

from steward.events.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "node", "resource", "severity", "state", "count", "last_seen")
    list_filter = ("state", "severity", "source")
    search_fields = ("node", "resource", "summary", "key")
    raw_id_fields = ("configuration_item", "organisation", "incident", "acknowledged_by")
