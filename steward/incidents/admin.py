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
    list_display = ("name", "slug", "parent", "is_active")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")


admin.site.register([IncidentSettings, TeamAssignment, EscalationRule])
