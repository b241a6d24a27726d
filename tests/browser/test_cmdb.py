"""The service map in a real browser: open a service's map and follow a node to its CI."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.accessibility import assert_accessible
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
    svg = page.get_by_role("group", name="Service map of Web shop")
    expect(svg.locator(f'a[data-number="{srv.number}"]')).to_be_visible()
    expect(svg.locator("text.edge-label", has_text="runs on")).to_be_visible()
    expect(svg.locator("text.node-class", has_text="Business service")).to_be_visible()
    assert_accessible(page)
    svg.locator(f'a[data-number="{app.number}"]').click()

    expect(page).to_have_url(re.compile(rf"/cmdb/cis/{app.number}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{app.number} · shop-app")
    expect(page.locator("#impact")).to_contain_text("Web shop")  # the impact panel loaded
    assert_accessible(page)


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
    assert_accessible(page)
    page.get_by_label("FQDN").fill("srv-billing.example.com")
    page.get_by_label("IP address").fill("300.1.1.1")
    page.get_by_role("button", name="Create CI").click()

    # the service's verdict, beside the field, with the rest of the input kept
    expect(page.locator(".field.invalid")).to_contain_text("expected an IPv4 or IPv6 address")
    expect(page.get_by_label("FQDN")).to_have_value("srv-billing.example.com")
    assert_accessible(page)
    page.get_by_label("IP address").fill("10.0.0.7")
    page.get_by_label("CPU count").fill("4")
    page.get_by_label("Hypervisor").select_option("kvm")
    page.get_by_role("button", name="Create CI").click()

    ci = ConfigurationItem.objects.get(name="srv-billing")
    expect(page).to_have_url(re.compile(rf"/cmdb/cis/{ci.number}/$"))
    expect(page.locator("#attributes")).to_contain_text("kvm")
    relate_form = page.locator("form.relate")
    relate_form.get_by_label("Direction").select_option("in")
    relate_form.get_by_label("Type").select_option("runs_on")
    relate_form.get_by_label("Other CI").fill("CI9999999")
    relate_form.get_by_role("button", name="Relate").click()

    # refused: the card comes back in place with the reason beside the field, input kept
    other = page.locator(".field.invalid").filter(has=page.get_by_label("Other CI"))
    expect(other).to_contain_text(
        "No configuration item is named “CI9999999”. Check the name or number."
    )
    expect(page).to_have_url(re.compile(rf"/cmdb/cis/{ci.number}/$"))
    expect(relate_form.get_by_label("Direction")).to_have_value("in")
    assert not Relationship.objects.exists()
    assert_accessible(page)
    relate_form.get_by_label("Other CI").fill(app.number)
    relate_form.get_by_role("button", name="Relate").click()

    expect(page.locator("#relationships")).to_contain_text("billing-app")
    expect(page.locator("form.relate .error")).to_have_count(0)
    assert Relationship.objects.filter(source=app, target=ci, type__slug="runs_on").exists()
    page.reload()
    expect(page.locator("#history")).to_contain_text(
        f"related {app.number} {app.name} runs on {ci.number} {ci.name}"
    )
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Remove the relationship: runs {app.number}").click()

    expect(page.locator("#relationships")).to_contain_text("No relationships.")
    assert not Relationship.objects.exists()


def test_the_ci_list_filters_share_one_row(page):
    factories.agent(username="ops")

    sign_in(page, "ops", path="/cmdb/")

    bar = page.locator("form.filters")
    controls = [bar.get_by_label(name) for name in ("Search", "Class", "Status", "Environment")]
    tops = {round(control.bounding_box()["y"]) for control in controls}
    assert len(tops) == 1, tops  # not one full-width control under the other


def test_an_agent_searches_and_filters_the_ci_list_from_its_default_state(page):
    factories.agent(username="ops")
    make_ci("server", name="alpha-srv", status="live")
    make_ci("server", name="alpha-old", status="retired")
    make_ci("database", name="beta-db", status="live")

    sign_in(page, "ops", path="/cmdb/")
    rows = page.locator("#rows")
    expect(rows).to_contain_text("beta-db")  # the default state lists everything
    assert_accessible(page)

    page.get_by_label("Search").fill("alpha")  # the other filters are still empty: "any"
    expect(rows).not_to_contain_text("beta-db")
    expect(rows).to_contain_text("alpha-old")
    page.get_by_label("Status").select_option("live")
    expect(rows).not_to_contain_text("alpha-old")
    expect(rows).to_contain_text("alpha-srv")
    expect(page.locator("form.filters .error")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=alpha.*status=live|status=live.*q=alpha"))

    page.reload()  # the state is in the URL: the same list comes back
    expect(page.get_by_label("Search")).to_have_value("alpha")
    expect(page.get_by_label("Status")).to_have_value("live")
    expect(rows).to_contain_text("alpha-srv")
    expect(rows).not_to_contain_text("alpha-old")


def test_an_unknown_status_in_a_link_is_a_message_beside_the_status_field(page):
    factories.agent(username="ops")
    make_ci("server", name="gamma-srv")

    sign_in(page, "ops", path="/cmdb/?status=broken")

    beside_status = page.locator(".filter.invalid").filter(has=page.get_by_label("Status"))
    expect(beside_status.locator(".error")).to_contain_text("one of planned, live")
    expect(page.locator("#rows")).to_contain_text("gamma-srv")  # the table is still a table
    assert_accessible(page)
    page.get_by_label("Status").select_option("live")
    expect(page.locator("form.filters .error")).to_have_count(0)


def test_a_map_of_fifty_cis_has_no_overlapping_labels_and_fits_the_page(page):
    factories.agent(username="ops")
    hub = make_ci("application", name="payments-gateway-application-primary")
    for i in range(24):
        relate(make_ci("business_service", name=f"customer-facing-service-{i:02}"), hub)
    for i in range(25):
        relate(hub, make_ci("virtual_machine", name=f"payments-vm-{i:02}.example.com"), "runs_on")

    sign_in(page, "ops", path=f"/cmdb/cis/{hub.number}/map/")

    svg = page.get_by_role("group", name="Service map of payments-gateway-application-primary")
    expect(svg.locator("a")).to_have_count(50)
    # every drawn text's real box, as the browser rendered it: none overlaps another
    boxes = svg.locator("text").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom, e.textContent]; })"
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # no sideways scrolling
    assert_accessible(page)


def test_the_ci_page_links_its_open_incident(page):
    from steward.core.actor import Actor
    from steward.incidents.models import Incident
    from steward.incidents.services import incident_create

    user = factories.agent(username="ops")
    ci = make_ci("server", name="db-01")
    incident = incident_create(
        Actor.system("tests"), title="Database is slow", description="slow", caller=user.username
    )
    Incident.objects.filter(pk=incident.pk).update(configuration_item=ci)

    sign_in(page, "ops", path=f"/cmdb/cis/{ci.number}/")

    work = page.locator("#open-work")
    expect(work.get_by_role("heading", name="Open work on this CI")).to_be_visible()
    expect(work.locator("#open-changes")).to_have_text("No open changes.")
    assert_accessible(page)
    work.get_by_role("link", name=incident.number).click()

    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/$"))
    expect(page.locator("main")).to_contain_text("db-01")
