"""A product's drill-down reads only the columns it shows (``installation_list``'s
``only``): its page and API show every installation's device, person and figures, and
their statements do not grow with the installations (a deferred column read per row would
be a query per row)."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.choices import Role
from steward.software import selectors
from steward.software.schemas import InstallationOut
from tests import factories
from tests.query_counts import grows
from tests.software.conftest import SYSTEM, install, make_product

pytestmark = pytest.mark.django_db


def test_the_page_shows_each_installation_without_a_query_per_row():
    product = make_product()
    web = Client()
    web.force_login(factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER]))
    people = iter([factories.agent(first_name="Ann", last_name=f"Lee{i}") for i in range(12)])
    few, more = grows(
        lambda: install(product, user=next(people), cores=4),
        lambda: web.get(f"/software/{product.slug}/"),
    )
    assert more == few
    page = web.get(f"/software/{product.slug}/").content.decode()
    assert "Ann Lee" in page
    assert "host-" in page


def test_the_api_rows_carry_every_shown_field():
    product = make_product()
    person = factories.agent(username="drill-user")
    made = install(product, user=person, cores=8)
    (row,) = selectors.installation_list(SYSTEM, product=product.slug).items
    body = InstallationOut.model_validate(row).model_dump(mode="json")
    assert body["product"] == product.slug
    assert body["device"] == made.device.number
    assert body["device_name"] == made.device.name
    assert body["user"] == "drill-user"
    assert body["cores"] == 8
    assert body["counting"] is True
