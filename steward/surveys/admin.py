from django.contrib import admin

from steward.surveys.models import Survey, SurveySettings


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("number", "requester", "team", "invited_at", "rating", "closes_at")
    list_filter = ("subject", "rating")
    raw_id_fields = ("requester", "team", "organisation")
    search_fields = ("number",)


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ("is_enabled", "sample_percent", "notify_low_ratings", "low_rating")
