"""Django admin for operators: read-only, since changes must go through the services
(validation, versions, audit)."""

from django.contrib import admin

from steward.sla.models import BusinessCalendar, SlaClock, SlaEvent, SlaPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "time_zone", "holiday_country", "holiday_subdivision")
    search_fields = ("name", "slug")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "precedence",
        "calendar",
        "response_minutes",
        "resolution_minutes",
        "is_active",
    )
    list_filter = ("is_active",)


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = ("content_type", "object_id", "kind", "state", "due_at", "warned", "breached")
    list_filter = ("state", "kind", "breached")
    raw_id_fields = ("policy",)


@admin.register(SlaEvent)
class SlaEventAdmin(ReadOnlyAdmin):
    list_display = ("clock", "threshold", "at", "recorded_at")
    list_filter = ("threshold",)
