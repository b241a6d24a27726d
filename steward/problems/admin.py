"""Operators read problems and their incident links here; nothing is written.

A problem is only ever written through ``steward.problems.services`` (numbering, priority,
workflow, audit and outbox rows in one transaction). The admin cannot call those with its
forms, so it offers no add, change or delete: a save here would skip all of that. Problems
have no configuration of their own (categories are incidents'), so there is nothing else
to edit.
"""

from django.contrib import admin
from django.http import HttpRequest

from steward.problems.models import Problem, ProblemIncident


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, search and filter; every write goes through the services."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ProblemIncidentInline(admin.TabularInline):
    model = ProblemIncident
    fields = ("incident", "linked_by", "linked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "priority", "organisation", "team", "assignee")
    list_filter = ("status", "priority")
    search_fields = ("number", "title")
    list_select_related = ("organisation", "team", "assignee")
    inlines = [ProblemIncidentInline]


@admin.register(ProblemIncident)
class ProblemIncidentAdmin(ReadOnlyAdmin):
    list_display = ("problem", "incident", "linked_by", "linked_at")
    search_fields = ("problem__number", "incident__number")
    list_select_related = ("problem", "incident", "linked_by")
