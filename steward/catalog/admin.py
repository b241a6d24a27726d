"""Django admin for operators (superusers): the catalogue's tables, read-mostly."""

from django.contrib import admin

from steward.catalog.models import Approval, CatalogItem, Request, Service, Task


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "stage", "owner", "support_team")
    list_filter = ("kind", "stage")
    search_fields = ("name", "slug")


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "audience", "is_active")
    list_filter = ("category", "audience", "is_active")
    search_fields = ("name", "slug")


class ApprovalInline(admin.TabularInline):
    model = Approval
    extra = 0
    readonly_fields = ("stage", "approver", "decision", "comment", "decided_at")


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "requester", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "title")
    readonly_fields = ("number", "answers", "plan")
    inlines = (ApprovalInline,)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "team", "assignee", "status")
    list_filter = ("status", "team")
    search_fields = ("number", "title")
