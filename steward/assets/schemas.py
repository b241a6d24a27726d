"""API shapes for assets, models, stock rooms, dispositions and contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine


class AssetModelOut(Schema):
    id: int
    manufacturer: str
    name: str
    category: str = Field(..., alias="category.slug")
    warranty_months: int
    version: int


class AssetModelPatchIn(In):
    not_null = frozenset({"manufacturer", "name", "category", "warranty_months"})
    version: int | None = None
    manufacturer: SingleLine | None = Field(None, min_length=1, max_length=120)
    name: SingleLine | None = Field(None, min_length=1, max_length=120)
    category: str | None = Field(None, max_length=60, description="category slug")
    warranty_months: int | None = Field(None, ge=0, le=240)


Percent = Decimal


class AssetCategoryOut(Schema):
    slug: str
    name: str
    ci_class: str
    book_method: str
    book_life_years: int
    book_rate: Decimal
    book_residual_percent: Decimal
    tax_method: str
    tax_life_years: int
    tax_rate: Decimal
    tax_residual_percent: Decimal
    version: int


_METHOD = "straight_line or declining_balance"
_RESIDUAL = "residual (salvage) value: % of the cost, 0 to 100"


class CategoryIn(In):
    name: SingleLine = Field(..., min_length=1, max_length=120)
    ci_class: SingleLine = Field("", max_length=60, description="CMDB class slug")
    book_method: str | None = Field(None, description=_METHOD)
    book_life_years: int | None = Field(None, description="1 to 50")
    book_rate: Percent | None = Field(None, description="declining balance: % a year")
    book_residual_percent: Percent | None = Field(None, description=_RESIDUAL)
    tax_method: str | None = Field(None, description=_METHOD)
    tax_life_years: int | None = Field(None, description="1 to 50")
    tax_rate: Percent | None = Field(None, description="declining balance: % a year")
    tax_residual_percent: Percent | None = Field(None, description=_RESIDUAL)


class CategoryPatchIn(In):
    not_null = frozenset(
        {
            "name",
            "ci_class",
            "book_method",
            "book_life_years",
            "book_rate",
            "book_residual_percent",
            "tax_method",
            "tax_life_years",
            "tax_rate",
            "tax_residual_percent",
        }
    )
    version: int | None = None
    name: SingleLine | None = Field(None, min_length=1, max_length=120)
    ci_class: SingleLine | None = Field(None, max_length=60)
    book_method: str | None = Field(None, description=_METHOD)
    book_life_years: int | None = Field(None, description="1 to 50")
    book_rate: Percent | None = None
    book_residual_percent: Percent | None = Field(None, description=_RESIDUAL)
    tax_method: str | None = Field(None, description=_METHOD)
    tax_life_years: int | None = Field(None, description="1 to 50")
    tax_rate: Percent | None = None
    tax_residual_percent: Percent | None = Field(None, description=_RESIDUAL)


class AssetModelIn(In):
    manufacturer: SingleLine = Field(..., min_length=1, max_length=120)
    name: SingleLine = Field(..., min_length=1, max_length=120)
    category: str = Field(..., max_length=60, description="category slug")
    warranty_months: int = Field(0, ge=0, le=240)


class StockRoomOut(Schema):
    slug: str
    name: str
    location: str | None = Field(None, alias="location.name")


class StockRoomIn(In):
    name: SingleLine = Field(..., min_length=1, max_length=120)
    location: int | None = Field(None, ge=1, description="location id")


class StockLineOut(Schema):
    stock_room: str = Field(..., alias="stock_room.slug")
    model: int = Field(..., alias="model.id")
    in_stock: int
    reorder_level: int
    below: bool


class AssetOut(Schema):
    number: str
    asset_tag: str
    serial_number: str
    model: int = Field(..., alias="model_id")
    model_name: str = Field(..., alias="model.label")
    status: str
    organisation: str | None = Field(None, alias="organisation.slug")
    vendor: str
    purchase_order: str
    purchase_date: dt.date | None
    cost: Decimal
    holds_data: bool
    warranty_end: dt.date | None
    owner_team: str | None = Field(None, alias="owner_team.slug")
    assignee: str | None = Field(None, alias="assignee.username")
    location: int | None = Field(None, alias="location_id")
    stock_room: str | None = Field(None, alias="stock_room.slug")
    configuration_item: str | None = Field(None, alias="configuration_item.number")
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


Money = Decimal


class AssetCreateIn(In):
    asset_tag: SingleLine = Field(..., min_length=1, max_length=64)
    serial_number: SingleLine = Field(..., min_length=1, max_length=100)
    model: int = Field(..., ge=1, description="asset model id")
    status: str = Field("on_order", description="on_order or in_stock")
    organisation: str | None = None
    vendor: SingleLine = Field("", max_length=120)
    purchase_order: SingleLine = Field("", max_length=60)
    purchase_date: dt.date | None = None
    cost: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    holds_data: bool = True
    owner_team: str | None = None
    stock_room: str | None = Field(None, description="stock room slug: where it waits in stock")
    location: int | str | None = Field(None, description="location id or exact name")
    notes: str = Field("", max_length=20_000)


class AssetPatchIn(In):
    not_null = frozenset(
        {
            "asset_tag",
            "serial_number",
            "model",
            "vendor",
            "purchase_order",
            "cost",
            "notes",
            "status",
        }
    )
    version: int | None = None
    asset_tag: SingleLine | None = Field(None, min_length=1, max_length=64)
    serial_number: SingleLine | None = Field(None, min_length=1, max_length=100)
    model: int | None = Field(None, ge=1)
    status: str | None = None
    organisation: str | None = None
    vendor: SingleLine | None = Field(None, max_length=120)
    purchase_order: SingleLine | None = Field(None, max_length=60)
    purchase_date: dt.date | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    holds_data: bool | None = None
    owner_team: str | None = None
    stock_room: str | None = Field(
        None,
        description="stock room slug (null: none); with status in_stock (Receive into "
        "stock), the room it is received into; refused with a move elsewhere",
    )
    location: int | str | None = Field(
        None,
        description="location id or exact name (null clears it); refused while the asset is "
        "checked out: a check-out says where it is",
    )
    notes: str | None = Field(None, max_length=20_000)


class CheckOutIn(In):
    person: str | None = Field(None, max_length=150, description="username")
    location: int | None = Field(None, ge=1, description="location id")
    due_back: dt.date | None = Field(None, description="a loan: the day it is to come back")


class LoanOut(Schema):
    asset: str = Field(..., alias="asset.number")
    asset_tag: str = Field(..., alias="asset.asset_tag")
    model_name: str = Field(..., alias="asset.model.label")
    holder: str | None = Field(None, alias="person.username")
    location: str | None = Field(None, alias="location.name")
    owner_team: str | None = Field(None, alias="asset.owner_team.slug")
    checked_out_at: dt.datetime
    due_back: dt.date
    days_overdue: int = Field(..., description="0 while not yet due")


class CheckInIn(In):
    stock_room: str | None = Field(None, max_length=60, description="stock room slug")


class AssignmentOut(Schema):
    person: str | None = Field(None, alias="person.username")
    location: int | None = Field(None, alias="location_id")
    checked_out_at: dt.datetime
    due_back: dt.date | None = None
    checked_in_at: dt.datetime | None


class CustodyStepOut(Schema):
    at: dt.datetime
    handed_from: str
    handed_to: str
    note: str


class CustodyStepIn(In):
    handed_from: SingleLine = Field(..., min_length=1, max_length=120)
    handed_to: SingleLine = Field(..., min_length=1, max_length=120)
    note: SingleLine = Field("", max_length=200)


class DispositionOut(Schema):
    asset: str = Field(..., alias="asset.number")
    method: str
    sanitisation: str
    vendor: str
    certificate_number: str
    certificate_date: dt.date | None
    evidence: str | None = Field(None, alias="evidence_id")
    opened_at: dt.datetime
    completed_at: dt.datetime | None
    missing: list[str] = []
    steps: list[CustodyStepOut] = []


class DispositionPatchIn(In):
    not_null = frozenset({"method", "sanitisation", "vendor", "certificate_number"})
    method: str | None = Field(None, description="resale, donation, recycling or destruction")
    sanitisation: str | None = Field(None, description="NIST SP 800-88: clear, purge, destroy")
    vendor: SingleLine | None = Field(None, max_length=120)
    certificate_number: SingleLine | None = Field(None, max_length=80)
    certificate_date: dt.date | None = None


class ValueOut(Schema):
    on: dt.date
    book: Decimal
    tax: Decimal


class ScheduleYearOut(Schema):
    year: int
    book_opening: Decimal = Field(..., alias="book.opening")
    book_depreciation: Decimal = Field(..., alias="book.depreciation")
    book_closing: Decimal = Field(..., alias="book.closing")
    tax_opening: Decimal = Field(..., alias="tax.opening")
    tax_depreciation: Decimal = Field(..., alias="tax.depreciation")
    tax_closing: Decimal = Field(..., alias="tax.closing")


class FinancialsOut(Schema):
    value: ValueOut
    schedule: list[ScheduleYearOut]
    purchase: Decimal
    contracts: Decimal
    total_cost_of_ownership: Decimal


class ContractOut(Schema):
    number: str
    title: str
    vendor: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    cost: Decimal
    owner_team: str | None = Field(None, alias="owner_team.slug")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ContractDetailOut(ContractOut):
    assets: list[str] = Field([], description="asset numbers covered")

    @staticmethod
    def resolve_assets(obj) -> list[str]:  # noqa: ANN001 - a Contract
        return [a.number for a in obj.assets.all()]


class ContractCreateIn(In):
    title: SingleLine = Field(..., min_length=1, max_length=200)
    vendor: SingleLine = Field(..., min_length=1, max_length=120)
    kind: str = Field(..., description="warranty, support, lease or maintenance")
    start_date: dt.date
    end_date: dt.date
    cost: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    owner_team: str | None = None
    assets: list[str] = Field([], max_length=10_000, description="asset numbers covered")


class ContractPatchIn(In):
    not_null = frozenset({"title", "vendor", "kind", "start_date", "end_date", "cost"})
    version: int | None = None
    title: SingleLine | None = Field(None, min_length=1, max_length=200)
    vendor: SingleLine | None = Field(None, min_length=1, max_length=120)
    kind: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    owner_team: str | None = None
    assets: list[str] | None = Field(None, max_length=10_000)
