"""The service map in a real browser: open a service's map and follow a node to its CI."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_shell import sign_in
from tests.cmdb.conftest import make_ci, relate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_opens_a_service_map_and_follows_a_node(page):
    factories.agent(username="ops")
    shop = make_ci("business_service", name="Web shop")
    app = make_ci("application", name="shop-app")
    srv = make_ci("server", name="srv01", attributes={"fqdn": "srv01.example.com"})
    relate(shop, app, "depends_on")
    relate(app, srv, "runs_on")

    sign_in(page, "ops", path=f"/cmdb/cis/{shop.number}/map/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Service map · Web shop")
    svg = page.get_by_role("img", name="Service map of Web shop")
    expect(svg.locator(f'a[data-number="{srv.number}"]')).to_be_visible()
    expect(svg.locator("text.edge-label", has_text="runs_on")).to_be_visible()
    svg.locator(f'a[data-number="{app.number}"]').click()

    expect(page).to_have_url(re.compile(rf"/cmdb/cis/{app.number}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{app.number} · shop-app")
    expect(page.locator("#impact")).to_contain_text("Web shop")  # the impact panel loaded
