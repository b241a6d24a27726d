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


def test_an_asset_manager_creates_a_ci_through_the_form_and_relates_it(page):
    from steward.cmdb.models import ConfigurationItem, Relationship
    from steward.core.choices import Role

    factories.UserFactory(username="asma", roles=[Role.AGENT, Role.ASSET_MANAGER])
    app = make_ci("application", name="billing-app")

    sign_in(page, "asma", path="/cmdb/")
    page.get_by_role("link", name="New CI").click()
    page.get_by_label("Name", exact=True).fill("srv-billing")
    page.get_by_label("Class").select_option("virtual_machine")
    # choosing the class swapped in its attribute fields, inherited ones included
    expect(page.get_by_label("Hypervisor")).to_be_visible()
    page.get_by_label("Fqdn").fill("srv-billing.example.com")
    page.get_by_label("Ip address").fill("300.1.1.1")
    page.get_by_role("button", name="Create CI").click()

    # the service's verdict, beside the field, with the rest of the input kept
    expect(page.locator(".field.invalid")).to_contain_text("expected an IPv4 or IPv6 address")
    expect(page.get_by_label("Fqdn")).to_have_value("srv-billing.example.com")
    page.get_by_label("Ip address").fill("10.0.0.7")
    page.get_by_label("Cpu count").fill("4")
    page.get_by_label("Hypervisor").select_option("kvm")
    page.get_by_role("button", name="Create CI").click()

    ci = ConfigurationItem.objects.get(name="srv-billing")
    expect(page).to_have_url(re.compile(rf"/cmdb/cis/{ci.number}/$"))
    expect(page.locator("#attributes")).to_contain_text("kvm")
    relate_form = page.locator("form.relate")
    relate_form.get_by_label("Direction").select_option("in")
    relate_form.get_by_label("Type").select_option("runs_on")
    relate_form.get_by_label("Other CI").fill(app.number)
    relate_form.get_by_role("button", name="Relate").click()

    expect(page.locator("#relationships")).to_contain_text("billing-app")
    assert Relationship.objects.filter(source=app, target=ci, type__slug="runs_on").exists()
    page.reload()
    expect(page.locator("#history")).to_contain_text(f"related {app.number} runs_on {ci.number}")


def test_the_ci_list_filters_share_one_row(page):
    factories.agent(username="ops")

    sign_in(page, "ops", path="/cmdb/")

    bar = page.locator("form.cmdb-filters")
    controls = [bar.get_by_label(name) for name in ("Search", "Class", "Status", "Environment")]
    tops = {round(control.bounding_box()["y"]) for control in controls}
    assert len(tops) == 1, tops  # not one full-width control under the other
