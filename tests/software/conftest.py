"""Software fixtures: actors, products, licences and installations built by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from steward.core.actor import Actor
from steward.core.choices import Role
from steward.software import services
from steward.software.models import Installation, Licence, Product
from tests import factories
from tests.cmdb.conftest import make_ci

SYSTEM = Actor.system("tests")
TODAY = dt.date(2026, 12, 3)
_n = itertools.count(1)


@pytest.fixture
def manager(db) -> Actor:
    return Actor(user=factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER]))


@pytest.fixture
def agent(db) -> Actor:
    return Actor(user=factories.agent())


@pytest.fixture
def requester(db) -> Actor:
    return Actor(user=factories.requester())


def make_product(**fields: Any) -> Product:
    n = next(_n)
    fields.setdefault("publisher", "Acme")
    fields.setdefault("name", f"Tool {n}")
    return services.product_create(SYSTEM, **fields)


def make_licence(product: Product, **fields: Any) -> Licence:
    fields.setdefault("start_date", TODAY - dt.timedelta(days=30))
    fields.setdefault("quantity", 1)
    return services.licence_create(SYSTEM, product=product.slug, **fields)


def install(product: Product, device=None, *, user=None, cores: int = 0) -> Installation:
    device = device or make_ci("server", name=f"host-{next(_n)}")
    return services.installation_create(
        SYSTEM,
        product=product.slug,
        device=device.number,
        user=user.username if user else None,
        cores=cores,
    )
