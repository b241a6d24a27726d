"""API shapes for software products, licences and installations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine


class MetricPositionOut(Schema):
    metric: str
    entitled: int | None = Field(description="null: unlimited (a site licence)")
    consumed: int
    balance: int | None = Field(description="surplus when positive, shortfall when negative")


class ProductOut(Schema):
    slug: str
    publisher: str
    name: str
    version_family: str
    description: str
    match_rules: list[str]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    compliance: str = Field(description="compliant, shortfall or unused")
    devices: int
    users: int
    cores: int
    shortfall: int
    surplus: int
    positions: list[MetricPositionOut]

    @staticmethod
    def resolve_compliance(obj) -> str:
        return obj.compliance.status

    @staticmethod
    def resolve_devices(obj) -> int:
        return obj.compliance.devices

    @staticmethod
    def resolve_users(obj) -> int:
        return obj.compliance.users

    @staticmethod
    def resolve_cores(obj) -> int:
        return obj.compliance.cores

    @staticmethod
    def resolve_shortfall(obj) -> int:
        return obj.compliance.shortfall

    @staticmethod
    def resolve_surplus(obj) -> int:
        return obj.compliance.surplus

    @staticmethod
    def resolve_positions(obj) -> list:
        return list(obj.compliance.positions)


class ProductCreateIn(In):
    publisher: SingleLine = Field(max_length=100)
    name: SingleLine = Field(max_length=150)
    version_family: SingleLine = Field("", max_length=40)
    description: str = Field("", max_length=10_000)
    match_rules: list[str] = Field([], max_length=20)


class ProductPatchIn(In):
    not_null = frozenset({"publisher", "name", "version_family", "description"})
    publisher: SingleLine | None = Field(None, max_length=100)
    name: SingleLine | None = Field(None, max_length=150)
    version_family: SingleLine | None = Field(None, max_length=40)
    description: str | None = Field(None, max_length=10_000)
    match_rules: list[str] | None = Field(None, max_length=20)
    version: int | None = None


class LicenceOut(Schema):
    number: str
    product: str = Field(alias="product.slug")
    metric: str
    term: str
    quantity: int
    cost: Decimal
    start_date: dt.date
    end_date: dt.date | None
    purchase_order: str
    vendor: str
    organisation: str | None = Field(None, alias="organisation.slug")
    notes: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class LicenceCreateIn(In):
    product: str = Field(description="product slug")
    metric: str = Field("device", description="device, user, core or site")
    term: str = Field("perpetual", description="perpetual or subscription")
    quantity: int = Field(0, ge=0, le=10_000_000)
    cost: Decimal = Field(Decimal(0), ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    start_date: dt.date
    end_date: dt.date | None = None
    purchase_order: SingleLine = Field("", max_length=60)
    vendor: SingleLine = Field("", max_length=100)
    organisation: str | None = None
    notes: str = Field("", max_length=10_000)


class LicencePatchIn(In):
    not_null = frozenset(
        {
            "product",
            "metric",
            "term",
            "quantity",
            "cost",
            "start_date",
            "purchase_order",
            "vendor",
            "notes",
        }
    )
    product: str | None = None
    metric: str | None = None
    term: str | None = None
    quantity: int | None = Field(None, ge=0, le=10_000_000)
    cost: Decimal | None = Field(None, ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    purchase_order: SingleLine | None = Field(None, max_length=60)
    vendor: SingleLine | None = Field(None, max_length=100)
    organisation: str | None = None
    notes: str | None = Field(None, max_length=10_000)
    version: int | None = None


class InstallationOut(Schema):
    id: int
    product: str = Field(alias="product.slug")
    device: str = Field(alias="device.number")
    device_name: str = Field(alias="device.name")
    user: str | None = Field(None, alias="user.username")
    cores: int
    source: str
    discovered_name: str
    last_seen: dt.datetime
    counting: bool
    freed_at: dt.datetime | None
    freed_by: str

    @staticmethod
    def resolve_counting(obj) -> bool:
        return obj.freed_at is None


class InstallationCreateIn(In):
    product: str = Field(description="product slug")
    device: str = Field(description="CI number of the device")
    user: str | None = Field(None, description="username of the person using it")
    cores: int = Field(0, ge=0, le=100_000)


class ReportedItemIn(In):
    name: SingleLine = Field("", max_length=200, description="the name discovery found")
    product: str = Field("", description="a product slug, instead of matching the name")
    user: str = Field("", description="username")
    cores: int = Field(0, ge=0, le=100_000)


class DeviceReportIn(In):
    installations: list[ReportedItemIn] = Field(max_length=5000)


class DeviceReportOut(Schema):
    device: str
    created: int
    updated: int
    removed: int
    unmatched: list[str] = Field(description="reported names no product's rule matched")
