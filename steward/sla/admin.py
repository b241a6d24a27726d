"""Django admin for operators: read-only, since every change must go through the services
(validation, versions, audit, outbox).

Calendars and policies are configuration an administrator edits on the SLA pages
(``/sla/``), which call those services. Here, "Add" takes an administrator to the page's
form (instead of a 403), and each calendar and policy links to its page to edit it. Clocks
and events are written by the engine only.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from steward.core.actor import Actor
from steward.sla import selectors
from steward.sla.models import BusinessCalendar, SlaClock, SlaEvent, SlaPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


def _can_edit(request: HttpRequest) -> bool:
    return selectors.sla_capabilities(Actor(user=request.user)).can_edit


class EditedOnPagesAdmin(ReadOnlyAdmin):
    """Shown here, edited on the SLA pages: "Add" redirects an administrator to the page's
    form, and every row and record links to its page."""

    new_page: str
    edit_page: str

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return _can_edit(request)

    def add_view(self, request, form_url="", extra_context=None) -> HttpResponse:  # noqa: ANN001
        if not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)  # Django's 403
        return HttpResponseRedirect(reverse(self.new_page))

    @admin.display(description="Edit")
    def edit_on_page(self, obj) -> str:  # noqa: ANN001
        return format_html(
            '<a href="{}">Edit on the SLA page</a>', reverse(self.edit_page, args=[obj.slug])
        )


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(EditedOnPagesAdmin):
    new_page, edit_page = "sla:calendar_new", "sla:calendar_edit"
    list_display = (
        "name",
        "slug",
        "time_zone",
        "holiday_country",
        "holiday_subdivision",
        "edit_on_page",
    )
    readonly_fields = ("edit_on_page",)
    search_fields = ("name", "slug")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(EditedOnPagesAdmin):
    new_page, edit_page = "sla:new", "sla:edit"
    list_display = (
        "name",
        "precedence",
        "calendar",
        "response_minutes",
        "resolution_minutes",
        "is_active",
        "edit_on_page",
    )
    readonly_fields = ("edit_on_page",)
    list_filter = ("is_active",)
    list_select_related = ("calendar",)


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = ("content_type", "object_id", "kind", "state", "due_at", "warned", "breached")
    list_filter = ("state", "kind", "breached")
    raw_id_fields = ("policy",)


@admin.register(SlaEvent)
class SlaEventAdmin(ReadOnlyAdmin):
    list_display = ("clock", "threshold", "at", "recorded_at")
    list_filter = ("threshold",)
