"""The asset API in the contract registry: assets, their models and stock rooms, and
contracts are the asset managers' and administrators' (the contract world has no asset
manager, so of its roles only the administrator sees them). ``tests/contract/registry.py``
imports them into ``RESOURCES``."""

from __future__ import annotations

import datetime as dt

from steward.assets import services
from steward.assets.models import Asset, AssetModel, Category, Contract, StockRoom
from steward.core.actor import Actor
from steward.core.models import Location, User
from tests import factories
from tests.contract.registry import ROLES, Resource, _set, new_tag

SYSTEM = Actor.system("contract")
ADMINS_ONLY = {role: (set(ROLES) if role == "admin" else set()) for role in ROLES}


def _category() -> Category:
    found = Category.objects.filter(slug="contract-laptop").first()
    return found or services.category_create(SYSTEM, name="Contract laptop")


def make_model(owner: User | None, tag: str) -> AssetModel:
    return services.model_create(
        SYSTEM, manufacturer=f"Maker {tag}", name=f"Model {tag}", category=_category().slug
    )


def make_room(owner: User | None, tag: str) -> StockRoom:
    return services.stock_room_create(SYSTEM, name=f"Room {tag}")


def make_asset(owner: User | None, tag: str) -> Asset:
    return services.asset_create(
        SYSTEM,
        asset_tag=f"TAG-{tag}",
        serial_number=f"SER-{tag}",
        model=make_model(owner, new_tag()).pk,
        status="in_stock",
    )


def make_contract(owner: User | None, tag: str) -> Contract:
    return services.contract_create(
        SYSTEM,
        title=f"Contract {tag}",
        vendor=f"Vendor {tag}",
        kind="support",
        start_date="2025-01-01",
        end_date="2030-01-01",
    )


def _asset_on_order(match: Asset, other: Asset) -> str:
    _set(match, status="on_order")
    return "on_order"


def _asset_at(match: Asset, other: Asset) -> str:
    where = Location.objects.create(name=f"Site {new_tag()}")
    _set(match, location=where)
    return str(where.pk)


def _asset_in_room(match: Asset, other: Asset) -> str:
    room = make_room(None, new_tag())
    _set(match, stock_room=room)
    return room.slug


def _asset_assigned(match: Asset, other: Asset) -> str:
    person = factories.agent(username=f"holder-{new_tag()}")
    _set(match, assignee=person)
    return person.username


def _contract_lease(match: Contract, other: Contract) -> str:
    _set(match, kind="lease")
    return "lease"


def _contract_ending(match: Contract, other: Contract) -> str:
    _set(match, end_date=dt.date.today() + dt.timedelta(days=10))
    return "30"


ASSETS = Resource(
    name="assets",
    collection="/api/v1/assets",
    model=Asset,
    key="number",
    make=make_asset,
    visible=ADMINS_ONLY,
    list_query_ceiling=6,
    reader="admin",
    writer="admin",
    create_payload=lambda tag: {
        "asset_tag": f"NEW-{tag}",
        "serial_number": f"NEWSER-{tag}",
        "model": make_model(None, new_tag()).pk,
    },
    patch_payload=lambda tag: {"vendor": f"Vendor {tag}"},
    illegal_patch=("admin", {"status": "disposed"}),
    absent_key="AST9999999",
    filters={
        "status": _asset_on_order,
        "model": lambda match, other: str(match.model_id),
        "location": _asset_at,
        "stock_room": _asset_in_room,
        "assignee": _asset_assigned,
        "q": lambda match, other: match.asset_tag,
    },
)

ASSET_MODELS = Resource(
    name="asset-models",
    collection="/api/v1/assets/models",
    model=AssetModel,
    key="id",
    make=make_model,
    visible=ADMINS_ONLY,
    list_query_ceiling=6,
    reader="admin",
    writer="admin",
    create_payload=lambda tag: {
        "manufacturer": f"New maker {tag}",
        "name": f"New model {tag}",
        "category": _category().slug,
    },
    patch_payload=lambda tag: {"warranty_months": 24},
    absent_key="999999999",
)


def make_category(owner: User | None, tag: str) -> Category:
    return services.category_create(SYSTEM, name=f"Category {tag}")


ASSET_CATEGORIES = Resource(
    name="asset-categories",
    collection="/api/v1/assets/categories",
    model=Category,
    key="slug",
    make=make_category,
    visible=ADMINS_ONLY,
    list_query_ceiling=6,
    reader="admin",
    writer="admin",
    create_payload=lambda tag: {"name": f"New category {tag}", "book_residual_percent": "10.00"},
    patch_payload=lambda tag: {"tax_residual_percent": "5.00"},
)

STOCK_ROOMS = Resource(
    name="stock-rooms",
    collection="/api/v1/assets/stock-rooms",
    model=StockRoom,
    key="slug",
    make=make_room,
    visible=ADMINS_ONLY,
    list_query_ceiling=6,
    reader="admin",
    writer="admin",
    detail=False,
    versioned=False,
    create_payload=lambda tag: {"name": f"New room {tag}"},
)

CONTRACTS = Resource(
    name="contracts",
    collection="/api/v1/contracts",
    model=Contract,
    key="number",
    make=make_contract,
    visible=ADMINS_ONLY,
    list_query_ceiling=6,
    reader="admin",
    writer="admin",
    create_payload=lambda tag: {
        "title": f"New contract {tag}",
        "vendor": "HPE",
        "kind": "maintenance",
        "start_date": "2026-01-01",
        "end_date": "2027-01-01",
    },
    patch_payload=lambda tag: {"title": f"Patched contract {tag}"},
    absent_key="CTR9999999",
    filters={
        "kind": _contract_lease,
        "vendor": lambda match, other: match.vendor,
        "expiring_within": _contract_ending,
    },
)
