from django.contrib import admin

from steward.software.models import Installation, Licence, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("slug", "publisher", "name", "version_family")
    search_fields = ("slug", "publisher", "name")


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("number", "product", "metric", "term", "quantity", "start_date", "end_date")
    list_filter = ("metric", "term")
    search_fields = ("number", "purchase_order", "vendor")
    raw_id_fields = ("product", "organisation")


@admin.register(Installation)
class InstallationAdmin(admin.ModelAdmin):
    list_display = ("id", "product", "device", "user", "cores", "source", "freed_at")
    list_filter = ("source", "freed_by")
    raw_id_fields = ("product", "device", "user")
