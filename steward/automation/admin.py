from django.contrib import admin

from steward.automation.models import Rule, RuleRun


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("position", "name", "trigger", "is_active", "stop_processing")
    ordering = ("position", "id")


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ("at", "rule_name", "incident", "trigger")
    raw_id_fields = ("rule", "incident")
