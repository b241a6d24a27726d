from django.contrib import admin

from steward.assets.models import (
    Asset,
    AssetModel,
    Category,
    Contract,
    Disposition,
    StockLevel,
    StockRoom,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "ci_class", "book_method", "book_life_years", "tax_method")


@admin.register(AssetModel)
class AssetModelAdmin(admin.ModelAdmin):
    list_display = ("manufacturer", "name", "category", "warranty_months")


@admin.register(StockRoom)
class StockRoomAdmin(admin.ModelAdmin):
    list_display = ("name", "location")


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ("stock_room", "model", "reorder_level")


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("number", "asset_tag", "serial_number", "model", "status")
    search_fields = ("number", "asset_tag", "serial_number")
    list_filter = ("status",)
    raw_id_fields = ("assignee", "configuration_item")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "vendor", "kind", "end_date")
    raw_id_fields = ("assets",)


@admin.register(Disposition)
class DispositionAdmin(admin.ModelAdmin):
    list_display = ("asset", "method", "sanitisation", "certificate_number", "completed_at")
    raw_id_fields = ("asset",)
