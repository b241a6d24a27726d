"""Operators read the CMDB here, and tune import sources' precedence.

CIs, classes and relationship types are written only through ``steward.cmdb.services``:
numbering, attribute validation against the class's schema, the identifier rows imports
match on, audit and outbox rows, all in one transaction. The admin cannot call those with
its forms, so it offers no add, change or delete for them (the CMDB pages and the API do).
Import sources are plain configuration with no service of their own: their precedence is
edited here (docs/cmdb.md, "Sources and precedence"); they are never deleted, since the CIs
remember which source set each value.
"""

from django.contrib import admin
from django.http import HttpRequest

from steward.cmdb.models import CIClass, ConfigurationItem, ImportSource, RelationshipType


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, search and filter; every write goes through the services."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    has_change_permission = has_delete_permission = has_add_permission


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "ci_class", "status", "environment", "organisation")
    list_filter = ("status", "environment", "criticality", "ci_class")
    search_fields = ("number", "name")
    list_select_related = ("ci_class", "organisation")


@admin.register(CIClass)
class CIClassAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "parent", "is_active")
    search_fields = ("name", "slug")
    list_select_related = ("parent",)


@admin.register(RelationshipType)
class RelationshipTypeAdmin(ReadOnlyAdmin):
    list_display = ("slug", "name", "inverse_name", "source_depends_on_target")
    search_fields = ("slug", "name")


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "precedence")
    search_fields = ("name", "label")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
