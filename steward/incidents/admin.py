from django.contrib import admin

from steward.incidents.models import (
    Category,
    EscalationRule,
    IncidentSettings,
    PriorityRule,
    TeamAssignment,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "default_team", "is_active")
    list_select_related = ("parent", "default_team")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")


admin.site.register([IncidentSettings, TeamAssignment, EscalationRule])
