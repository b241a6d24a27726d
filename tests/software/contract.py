"""The software API in the contract registry: products (configuration every agent reads),
licences (scoped by their organisation) and installations (scoped by their device's), and
how each list filter selects one record and not another."""

from __future__ import annotations

import datetime as dt

from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.models import User
from steward.software import services
from steward.software.models import Installation, Licence, Product
from tests import factories
from tests.contract.registry import AGENTS_READ, ORG_SCOPED, Resource, _org_of, _set, new_tag

SYSTEM = Actor.system("contract")
START = dt.date(2026, 1, 1)


def make_product(owner: User | None, tag: str) -> Product:
    return services.product_create(
        SYSTEM, publisher=f"Publisher {tag}", name=f"Product {tag}", match_rules=[tag]
    )


def make_licence(owner: User | None, tag: str) -> Licence:
    org = _org_of(owner) if owner is not None else None
    return services.licence_create(
        SYSTEM,
        product=make_product(None, tag).slug,
        quantity=3,
        start_date=START,
        purchase_order=f"PO-{tag}",
        vendor=f"Vendor {tag}",
        organisation=org.slug if org else None,
    )


def _device(owner: User | None, tag: str):
    org = _org_of(owner) if owner is not None else None
    return ci_create(
        SYSTEM,
        name=f"dev-{tag}",
        ci_class="server",
        organisation=org.slug if org else None,
        attributes={"fqdn": f"dev-{tag}.example.com"},
    )


def make_installation(owner: User | None, tag: str) -> Installation:
    return services.installation_create(
        SYSTEM, product=make_product(None, tag).slug, device=_device(owner, tag).number, cores=2
    )


def _publisher(match: Product, other: Product) -> str:
    return match.publisher


def _licence_per_user(match: Licence, other: Licence) -> str:
    _set(match, metric="user")
    return "user"


def _licence_subscription(match: Licence, other: Licence) -> str:
    _set(match, term="subscription", end_date=dt.date(2027, 1, 1))
    return "subscription"


def _installation_used_by(match: Installation, other: Installation) -> str:
    user = factories.agent(username=f"sw-user-{new_tag()}")
    _set(match, user=user)
    return user.username


def _installation_discovered(match: Installation, other: Installation) -> str:
    _set(match, source="discovery")
    return "discovery"


def _installation_counting(match: Installation, other: Installation) -> str:
    _set(other, freed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), freed_by="ci_retired")
    return "true"


SOFTWARE = Resource(
    name="software",
    collection="/api/v1/software",
    model=Product,
    key="slug",
    make=make_product,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    writer="admin",  # administrators and asset managers (a role the world's agents lack)
    create_payload=lambda tag: {
        "publisher": f"New publisher {tag}",
        "name": f"New product {tag}",
        "match_rules": [f"new {tag}"],
    },
    patch_payload=lambda tag: {"description": f"patched {tag}"},
    filters={"q": lambda match, other: match.name, "publisher": _publisher},
)

LICENCES = Resource(
    name="licences",
    collection="/api/v1/licences",
    model=Licence,
    key="number",
    make=make_licence,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "product": make_product(None, tag).slug,
        "quantity": 5,
        "start_date": "2026-01-01",
    },
    patch_payload=lambda tag: {"quantity": 9, "vendor": f"Vendor {tag}"},
    absent_key="LIC9999999",
    filters={
        "product": lambda match, other: match.product.slug,
        "metric": _licence_per_user,
        "term": _licence_subscription,
        "vendor": lambda match, other: match.vendor,
        "q": lambda match, other: match.purchase_order,
    },
)

INSTALLATIONS = Resource(
    name="installations",
    collection="/api/v1/installations",
    model=Installation,
    key="id",
    make=make_installation,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "product": make_product(None, tag).slug,
        "device": _device(None, tag).number,
        "cores": 4,
    },
    detail=True,
    delete=True,
    versioned=False,
    not_idempotent="a product is installed once per device: a retried create is a 422 naming "
    "the product, never a duplicate",
    absent_key="987654321",
    filters={
        "product": lambda match, other: match.product.slug,
        "device": lambda match, other: match.device.number,
        "user": _installation_used_by,
        "source": _installation_discovered,
        "counting": _installation_counting,
    },
)
