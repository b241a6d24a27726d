"""The operations agent (ops-maint, a login no other journey uses) declares a maintenance
window over a CI by clicking and typing, a monitoring tool sends a critical event for that
CI over the API, and the console shows the alert in maintenance with no incident. Then the
agent ends the window early and deletes it, and the alert, CI and token are removed, so
the other journeys see the demo as it was (decision 0105).

An agent limited to one organisation (ops-contoso) opens a window with a node pattern from
the list and finds it to read only: the fields shown disabled, the reason said, and no Save,
End now or Delete (the services refuse them: the pattern holds every organisation's
alerts)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from steward.cmdb import services as cmdb_services
from steward.cmdb.models import ConfigurationItem
from steward.core.actor import Actor
from steward.core.models import ApiToken, Organisation
from steward.core.services import token_create
from steward.events import services as event_services
from steward.events.models import Alert, MaintenanceWindow
from tests import factories
from tests.journeys.steps import PASSWORD, heading, no_error_on_page, open_module, pick, sign_in
from tests.journeys.watch import check_page

pytestmark = [pytest.mark.browser]
NODE = "jrn-maint-01.example.com"


def test_ops_declares_a_window_and_the_alert_opens_no_incident(page):
    system = Actor.system("journey")
    ops = factories.agent(username="ops-maint")
    ops.set_password(PASSWORD)
    ops.save()
    ci = cmdb_services.ci_create(
        system, name="jrn-maint-01", ci_class="server", attributes={"fqdn": NODE}
    )
    _, token = token_create(system, user=ops, name="journey", scopes=["read", "write"])
    try:
        sign_in(page, "ops-maint")
        open_module(page, "Events")
        page.get_by_role("link", name="Maintenance windows").click()
        page.wait_for_load_state("load")
        heading(page, "Maintenance windows")
        page.get_by_role("link", name="New maintenance window").click()
        page.wait_for_load_state("load")
        heading(page, "New maintenance window")
        page.get_by_label("Name").fill("Storage firmware jrn")
        page.get_by_label("Reason").fill("Vendor firmware 7.2")
        start = timezone.localtime(timezone.now() - dt.timedelta(minutes=2))
        page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("Ends").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("Node pattern").fill("jrn-maint-9*.example.com")
        pick(
            page, page.get_by_role("combobox", name="CIs"), "jrn-maint", re.compile("jrn-maint-01")
        )
        page.get_by_role("button", name="Declare window").click()
        page.wait_for_load_state("load")
        heading(page, "Maintenance windows")
        no_error_on_page(page)
        page.get_by_role("searchbox", name="Search").fill("firmware jrn")
        page.get_by_role("searchbox", name="Search").press("Enter")
        row = page.locator("#window-rows tr").filter(has_text="Storage firmware jrn")
        expect(row).to_contain_text("in force")
        expect(row).to_contain_text(ci.number)
        expect(row).to_contain_text("jrn-maint-9*.example.com")

        # the window was declared on the wrong pattern and too long: corrected on its page,
        # the CI taken off and put back by the picker
        row.get_by_role("link", name="Storage firmware jrn").click()
        page.wait_for_load_state("load")
        page.get_by_label("Name").fill("Storage firmware jrn (array 1)")
        page.get_by_label("Reason").fill("Vendor firmware 7.2.1, array 1 only")
        page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("Ends").fill((start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("Node pattern").fill("jrn-maint-0*.example.com")
        page.get_by_role("button", name=re.compile(r"Remove CI\d+ jrn-maint-01")).click()
        pick(
            page, page.get_by_role("combobox", name="CIs"), "jrn-maint", re.compile("jrn-maint-01")
        )
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state("load")
        heading(page, "Maintenance windows")
        no_error_on_page(page)
        row = page.locator("#window-rows tr").filter(has_text="Storage firmware jrn (array 1)")
        expect(row).to_contain_text("jrn-maint-0*.example.com")
        expect(row).to_contain_text(ci.number)

        sent = page.request.post(
            "/api/v1/events",
            data={
                "source": "jrn-monitor",
                "node": NODE,
                "resource": "array degraded",
                "severity": "critical",
                "summary": "RAID degraded during firmware",
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert sent.status == 201, sent.text()
        assert sent.json()["alert"]["in_maintenance"] is True
        assert sent.json()["alert"]["incident"] is None

        page.get_by_role("link", name="Events").first.click()
        page.wait_for_load_state("load")
        heading(page, "Events")
        alert_row = page.locator("#rows tr").filter(has_text=NODE)
        expect(alert_row).to_contain_text("Maintenance")
        alert_row.get_by_role("link", name=NODE).click()
        page.wait_for_load_state("load")
        expect(page.locator("dt:text-is('Incident') + dd")).to_have_text(
            "None: raised in maintenance"
        )
        no_error_on_page(page)

        # clean up by the pages: end the window now, then delete it
        page.get_by_role("link", name="Maintenance windows").click()
        page.wait_for_load_state("load")
        page.get_by_role("link", name="Storage firmware jrn (array 1)").click()
        page.wait_for_load_state("load")
        page.get_by_role("button", name="End now").click()
        page.wait_for_load_state("load")
        row = page.locator("#window-rows tr").filter(has_text="Storage firmware jrn")
        expect(row).to_contain_text("over")
        row.get_by_role("link", name="Storage firmware jrn (array 1)").click()
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Delete window").click()
        page.wait_for_load_state("load")
        expect(page.locator("#window-rows")).not_to_contain_text("Storage firmware jrn")
        no_error_on_page(page)
    finally:
        MaintenanceWindow.objects.filter(name__startswith="Storage firmware jrn").delete()
        Alert.objects.filter(node=NODE).delete()
        ConfigurationItem.objects.filter(pk=ci.pk).delete()
        # the login stays (the audit log, append-only, names it) without its token
        ApiToken.objects.filter(user=ops).delete()


def test_a_limited_agent_reads_a_node_pattern_window_with_nothing_to_press(page):
    ops = factories.agent(username="ops-contoso")
    ops.set_password(PASSWORD)
    ops.save()
    ops.served_organisations.add(Organisation.objects.get(name="Contoso Retail"))
    start = timezone.now() - dt.timedelta(minutes=5)
    event_services.window_create(
        Actor.system("journey"),
        name="Core switch firmware jrn",
        reason="Every site's core switches, one after the other",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        node_pattern="jrn-core-*.example.com",
    )
    try:
        sign_in(page, "ops-contoso")
        open_module(page, "Events")
        page.get_by_role("link", name="Maintenance windows").click()
        page.wait_for_load_state("load")
        heading(page, "Maintenance windows")
        page.get_by_role("searchbox", name="Search").fill("core switch jrn")
        page.get_by_role("searchbox", name="Search").press("Enter")
        row = page.locator("#window-rows tr").filter(has_text="Core switch firmware jrn")
        expect(row).to_contain_text("jrn-core-*.example.com")
        expect(row).to_contain_text("in force")

        row.get_by_role("link", name="Core switch firmware jrn").click()
        page.wait_for_load_state("load")
        heading(page, "Core switch firmware jrn")
        expect(page.locator("main")).to_contain_text(
            "Only an agent serving every organisation changes a window with a node pattern"
        )
        for label in ("Name", "Reason", "Starts", "Ends", "Node pattern"):
            expect(page.get_by_label(label)).to_be_disabled()
        expect(page.get_by_label("Node pattern")).to_have_value("jrn-core-*.example.com")
        for offered in ("Save", "End now", "Delete window"):
            expect(page.get_by_role("button", name=offered)).to_have_count(0)
        expect(page.locator("main button[type=submit], main input[type=submit]")).to_have_count(0)
        check_page(page)
        assert not page.axe_findings, page.axe_findings  # no critical or serious violation
        no_error_on_page(page)
    finally:
        MaintenanceWindow.objects.filter(name="Core switch firmware jrn").delete()
