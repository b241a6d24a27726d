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


def test_a_product_created_by_a_racing_request_is_a_422_naming_name(manager_api, monkeypatch):
    """Two asset managers (or a retried script) recording the same product at once: both
    pass the "already has a product of that name" check and the free-slug search, the
    second insert meets the unique slug. It is the check's 422 naming ``name``, not a 500.
    The race is played by checks that do not see the first request's row."""
    from django.db.models import QuerySet

    from steward.software.models import Product

    make_product(publisher="Acme", name="Editor")
    real = QuerySet.exists
    monkeypatch.setattr(QuerySet, "exists", lambda qs: False if qs.model is Product else real(qs))

    response = manager_api.post("/api/v1/software", {"publisher": "Acme", "name": "Editor"})

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["name"]
    monkeypatch.undo()
    assert Product.objects.filter(name="Editor").count() == 1
