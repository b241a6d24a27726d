"""The software API beyond the contract suite: compliance fields, the drill-down, the
device report, and the status codes of bad input."""

from __future__ import annotations

import pytest

from steward.core.choices import Role
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.conftest import api_client_for
from tests.query_counts import grows
from tests.software.conftest import install, make_licence, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_api():
    return api_client_for(factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER]))


def test_product_carries_its_compliance(manager_api):
    product = make_product()
    make_licence(product, quantity=1)
    install(product)
    install(product)

    body = manager_api.get(f"/api/v1/software/{product.slug}").json()

    assert (body["compliance"], body["devices"], body["shortfall"]) == ("shortfall", 2, 1)
    assert body["positions"] == [{"metric": "device", "entitled": 1, "consumed": 2, "balance": -1}]


def test_licence_end_before_start_is_422_naming_end_date(manager_api):
    product = make_product()
    response = manager_api.post(
        "/api/v1/licences",
        {
            "product": product.slug,
            "quantity": 1,
            "start_date": "2026-06-01",
            "end_date": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"end_date"}


def test_device_report_through_the_api(manager_api):
    make_product(publisher="Microsoft", name="Office", match_rules=["office pro* 2021"])
    device = make_ci("server", name="disc-1")
    response = manager_api.put(
        f"/api/v1/installations/devices/{device.number}",
        {"installations": [{"name": "Office Pro 2021"}, {"name": "Foo"}]},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "device": device.number,
        "created": 1,
        "updated": 0,
        "removed": 0,
        "unmatched": ["Foo"],
    }


def test_requesters_get_404_for_a_product(requester_api):
    product = make_product()
    assert requester_api.get(f"/api/v1/software/{product.slug}").status_code == 404


def test_drill_down_queries_do_not_grow_with_installations(manager_api):
    product = make_product()
    # made before measuring: a new person moves the auth cache stamp, and the next read
    # would refill the token cache (steward/core/stamps.py), which is not what this counts
    users = iter([factories.agent() for _ in range(10)])
    few, more = grows(
        lambda: install(product, user=next(users), cores=2),
        lambda: manager_api.get(f"/api/v1/software/{product.slug}/installations"),
    )
    assert more == few


def test_product_list_queries_do_not_grow_with_products(manager_api):
    few, more = grows(lambda: install(make_product()), lambda: manager_api.get("/api/v1/software"))
    assert more == few
