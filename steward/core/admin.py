"""Django admin for operators; business edits go through the app and API."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from steward.core import retries
from steward.core.models import (
    ApiToken,
    AuditEntry,
    Department,
    Lease,
    Location,
    Organisation,
    OutboxMessage,
    OutgoingMail,
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
        # who the person is at the single sign-on provider (set at their first sign-in)
        ("Single sign-on", {"fields": ("sso_issuer", "sso_subject")}),
    )
    readonly_fields = ("sso_issuer", "sso_subject")
    list_filter = ("is_active", "groups", "organisation")

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        # the shipped languages, or none chosen: the person's browser decides (decision 0116);
        # a free text box took any code, and a blank one read as a mistake
        if db_field.name == "language":
            return forms.ChoiceField(
                choices=[("", "Browser's language"), *settings.LANGUAGES],
                required=False,
                label="Language",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):  # noqa: ANN001
        if change and (
            "is_active" in form.changed_data or _lost_a_role(form)
        ):  # reactivating revives no old token or session; a removed role ends those too
            obj.end_credentials()
        super().save_model(request, obj, form, change)


def _lost_a_role(form) -> bool:  # noqa: ANN001
    """Whether the admin's user form takes a group, staff or superuser status away."""
    before = {getattr(g, "pk", g) for g in form.initial.get("groups") or []}
    after = {g.pk for g in form.cleaned_data.get("groups") or []}
    demoted = any(
        form.initial.get(flag) and not form.cleaned_data.get(flag)
        for flag in ("is_staff", "is_superuser")
    )
    return bool(before - after) or demoted


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


class DeliveryStateFilter(admin.SimpleListFilter):
    """Where a row stands: delivered, waiting for its first try, retrying after failures, or
    dead-lettered after the retry horizon (``steward/core/retries.py``)."""

    title = "delivery"
    parameter_name = "delivery"
    done_field = ""  # dispatched_at or sent_at

    def lookups(self, request, model_admin):  # noqa: ANN001, ANN201
        return [
            ("done", "delivered"),
            ("pending", "pending"),
            ("retrying", "retrying"),
            ("dead", "dead"),
        ]

    def queryset(self, request, queryset):  # noqa: ANN001, ANN201
        undone = {f"{self.done_field}__isnull": True}
        match self.value():
            case "done":
                return queryset.filter(**{f"{self.done_field}__isnull": False})
            case "pending":
                return queryset.filter(**undone, failing_since__isnull=True, dead_at__isnull=True)
            case "retrying":
                return queryset.filter(**undone, failing_since__isnull=False, dead_at__isnull=True)
            case "dead":
                return queryset.filter(**undone, dead_at__isnull=False)
        return queryset


class EventDeliveryFilter(DeliveryStateFilter):
    done_field = "dispatched_at"


class MailDeliveryFilter(DeliveryStateFilter):
    done_field = "sent_at"


class RetriedAdmin(ReadOnlyAdmin):
    """Read-only, with one action: retry the selected undelivered rows now."""

    done_field = ""
    actions = ["retry_now"]

    @admin.action(description="Retry now (a fresh retry horizon)", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = retries.reset(queryset.filter(**{f"{self.done_field}__isnull": True}))
        self.message_user(request, f"{count} queued for a retry at {timezone.now():%H:%M:%S}.")

    def has_retry_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@admin.register(OutboxMessage)
class OutboxAdmin(RetriedAdmin):
    done_field = "dispatched_at"
    list_display = (
        "id",
        "topic",
        "object_type",
        "object_id",
        "created_at",
        "dispatched_at",
        "attempts",
        "next_attempt_at",
        "dead_at",
    )
    list_filter = (EventDeliveryFilter, "topic")


@admin.register(OutgoingMail)
class OutgoingMailAdmin(RetriedAdmin):
    done_field = "sent_at"
    list_display = (
        "id",
        "kind",
        "recipient",
        "key",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "dead_at",
    )
    list_filter = (MailDeliveryFilter, "kind")
    search_fields = ("recipient", "key", "record_id")


@admin.register(Lease)
class LeaseAdmin(ReadOnlyAdmin):
    list_display = ("name", "holder", "locked_until")
