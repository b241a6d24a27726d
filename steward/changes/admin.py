"""Operators edit change configuration here: questionnaire, policies, settings, templates."""

from django.contrib import admin

from steward.changes.models import (
    ApprovalPolicy,
    ChangeSettings,
    ChangeTemplate,
    FreezeWindow,
    RiskAnswer,
    RiskQuestion,
)


class RiskAnswerInline(admin.TabularInline):
    model = RiskAnswer
    extra = 1


@admin.register(RiskQuestion)
class RiskQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "slug", "order", "is_active")
    inlines = [RiskAnswerInline]


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "change_types",
        "risk_levels",
        "approver_kind",
        "quorum",
        "is_active",
    )


@admin.register(ChangeSettings)
class ChangeSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "failed_history_days", "reminder_hours", "link_valid_days")


@admin.register(ChangeTemplate)
class ChangeTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active")


@admin.register(FreezeWindow)
class FreezeWindowAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "starts_at", "ends_at", "ci", "is_active")
    raw_id_fields = ("ci",)
