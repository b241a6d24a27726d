"""Django admin for operators; business edits go through the app and API."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from steward.core.models import (
    ApiToken,
    AuditEntry,
    Department,
    Location,
    Organisation,
    OutboxMessage,
    Team,
    User,
)


@admin.register(User)
class StewardUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "Profile",
            {
                "fields": (
                    "organisation",
                    "department",
                    "location",
                    "time_zone",
                    "language",
                    "phone",
                    "email_notifications",
                    "served_organisations",
                )
            },
        ),
    )
    list_filter = ("is_active", "groups", "organisation")


admin.site.register([Organisation, Department, Location, Team])


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scopes", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "prefix")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "channel", "action", "object_repr")
    list_filter = ("channel", "action", "content_type")


@admin.register(OutboxMessage)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "topic",
        "object_type",
        "object_id",
        "created_at",
        "dispatched_at",
        "attempts",
    )
