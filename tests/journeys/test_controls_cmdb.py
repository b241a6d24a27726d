"""The CMDB pages' controls no other journey drives (tests/journeys/controls.py): every field
of a new server, then each edited (the server found to be a virtual machine), read back on its
page; relationships of every kind added in both directions and removed; the CI as it was;
its impact both ways; the list's pager; a second file checked after an import, from another
source. Each from the page's default state."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, pick, sign_in, swapped
from tests.journeys.test_asset_manager import ci_rows, open_ci

pytestmark = [pytest.mark.browser]

# every relationship type, as the page says it from each end
KINDS = {
    "Depends on": "is needed by",
    "Runs on": "runs",
    "Hosted on": "hosts",
    "Connects to": "is connected from",
    "Part of": "consists of",
}


def fact(page, section: str, term: str):
    card = page.locator("section.card", has=page.get_by_role("heading", name=section, exact=True))
    return card.locator(f"dt:text-is('{term}') + dd")


def test_asset_manager_fills_every_field_of_a_server_then_edits_each(page):
    sign_in(page, "am")
    open_module(page, "CMDB")
    page.get_by_role("link", name="New CI").click()
    heading(page, "New configuration item")
    page.get_by_label("Name").fill("jrn-db-07")
    page.get_by_label("Class").select_option(label="Server")
    swapped(page)  # the class's attributes come in
    page.get_by_label("Status").select_option(label="Planned")
    page.get_by_label("Environment").select_option(label="Staging")
    page.get_by_label("Criticality").select_option(label="2 - High")
    page.get_by_label("Owner team").select_option(label="Database")
    page.get_by_label("Support team").select_option(label="Server & Storage")
    page.get_by_label("Organisation").select_option(label="Contoso Retail")
    page.get_by_label("Location").fill("Berlin HQ")
    page.get_by_label("Product version").fill("16.2")
    page.get_by_label("Description").fill("Reporting replica for the warehouse.")
    # the defect: the attributes were labelled "Fqdn", "Ip address", "Memory gb"
    page.get_by_label("FQDN").fill("jrn-db-07.dc1.example.com")
    page.get_by_label("Serial number").fill("SN-JRN-0707")
    page.get_by_label("IP address").fill("10.1.7.7")
    page.get_by_label("OS", exact=True).select_option(label="linux")
    page.get_by_label("OS version").fill("Debian 12")
    page.get_by_label("CPU count").fill("16")
    page.get_by_label("Memory (GB)").fill("128")
    page.get_by_label("Purchase date").fill("2025-04-01")
    page.get_by_role("button", name="Create CI").click()
    heading(page, re.compile("jrn-db-07"))
    no_error_on_page(page)
    expect(page.locator(".toolbar .status")).to_have_text("Planned")
    for term, shown in {
        "Class": "Server",
        "Environment": "Staging",
        "Criticality": "2 - High",
        "Owner team": "Database",
        "Support team": "Server & Storage",
        "Organisation": "Contoso Retail",
        "Location": "Berlin HQ",
        "Version": "16.2",
    }.items():
        expect(fact(page, "Facts", term)).to_have_text(shown)
    expect(page.locator(".description")).to_have_text("Reporting replica for the warehouse.")
    for term, shown in {
        "FQDN": "jrn-db-07.dc1.example.com",
        "Serial number": "SN-JRN-0707",
        "IP address": "10.1.7.7",
        "OS": "linux",
        "OS version": "Debian 12",
        "CPU count": "16",
        "Memory (GB)": "128",
        "Purchase date": "1 Apr 2025",  # typed 2025-04-01: shown in the house style
    }.items():
        expect(fact(page, "Attributes", term)).to_have_text(shown)

    # it turns out to be a virtual machine: the class changed, its attributes with it
    page.get_by_role("link", name="Edit").click()
    heading(page, re.compile("^Edit CI"))
    page.get_by_label("Name").fill("jrn-vm-07")
    page.get_by_label("Class").select_option(label="Virtual machine")
    expect(page.get_by_label("VM UUID")).to_be_visible()
    swapped(page)
    page.get_by_label("Status").select_option(label="Live")
    page.get_by_label("Environment").select_option(label="Production")
    page.get_by_label("Criticality").select_option(label="1 - Critical")
    page.get_by_label("Owner team").select_option(label="Applications")
    page.get_by_label("Support team").select_option(label="Database")
    page.get_by_label("Organisation").select_option(label="Northwind Group")
    page.get_by_label("Location").fill("London Office")
    page.get_by_label("Description").fill("Reporting replica, virtualised.")
    page.get_by_label("VM UUID").fill("4c4c4544-0042-3510-8051-b7c04f4e3232")
    page.get_by_label("Hypervisor").select_option(label="kvm")
    pick(page, page.get_by_role("combobox", name="Host"), "esx-06", re.compile("^esx-06"))
    page.get_by_label("FQDN").fill("jrn-vm-07.dc1.example.com")
    page.get_by_label("Serial number").fill("VMW-JRN-0707")
    page.get_by_label("IP address").fill("10.1.7.70")
    page.get_by_label("OS", exact=True).select_option(label="windows")
    page.get_by_label("OS version").fill("Server 2022")
    page.get_by_label("CPU count").fill("8")
    page.get_by_label("Memory (GB)").fill("64")
    page.get_by_label("Purchase date").fill("2025-05-02")
    page.get_by_role("button", name="Save changes").click()
    heading(page, re.compile("jrn-vm-07"))
    no_error_on_page(page)
    expect(page.locator(".toolbar .status")).to_have_text("Live")
    for term, shown in {
        "Class": re.compile("Virtual machine$"),
        "Environment": "Production",
        "Criticality": "1 - Critical",
        "Owner team": "Applications",
        "Support team": "Database",
        "Organisation": "Northwind Group",
        "Location": "London Office",
    }.items():
        expect(fact(page, "Facts", term)).to_have_text(shown)
    expect(page.locator(".description")).to_have_text("Reporting replica, virtualised.")
    for term, shown in {
        "VM UUID": "4c4c4544-0042-3510-8051-b7c04f4e3232",
        "Hypervisor": "kvm",
        "FQDN": "jrn-vm-07.dc1.example.com",
        "Serial number": "VMW-JRN-0707",
        "IP address": "10.1.7.70",
        "OS": "windows",
        "OS version": "Server 2022",
        "CPU count": "8",
        "Memory (GB)": "64",
        "Purchase date": "2 May 2025",
    }.items():
        expect(fact(page, "Attributes", term)).to_have_text(shown)
    expect(fact(page, "Attributes", "Host").get_by_role("link")).to_have_text(re.compile("CI"))

    # as it was: the first history entry opens the server it was created as
    history = page.locator("#history")
    created = history.get_by_role("link").last
    created.click()
    expect(page.locator("#past-banner")).to_contain_text("Past state, read-only")
    expect(fact(page, "Facts", "Class")).to_have_text("Server")
    heading(page, re.compile("jrn-db-07"))
    # then a moment typed (to the second): just after the newest entry, it as it is now
    newest = parse_qs(urlsplit(history.get_by_role("link").first.get_attribute("href")).query)
    after = dt.datetime.fromisoformat(newest["as_of"][0]) + dt.timedelta(seconds=1)
    page.get_by_label("Show as of").fill(after.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
    expect(page.locator("#past-banner")).to_contain_text("Past state")
    heading(page, re.compile("jrn-vm-07"))
    no_error_on_page(page)


def test_asset_manager_relates_a_ci_every_way_reads_its_impact_and_unrelates_it(page):
    sign_in(page, "am")
    open_module(page, "CMDB")
    page.get_by_role("link", name="New CI").click()
    page.get_by_label("Name").fill("jrn-app-09")
    page.get_by_label("Class").select_option(label="Application")
    page.get_by_label("App ID").fill("APP-0909")
    page.get_by_label("Vendor").fill("In-house")
    page.get_by_label("URL").fill("https://reports.example.com")
    page.get_by_label("Tier").select_option(label="batch")
    page.get_by_role("button", name="Create CI").click()
    heading(page, re.compile("jrn-app-09"))
    for term, shown in {"App ID": "APP-0909", "URL": "https://reports.example.com"}.items():
        expect(fact(page, "Attributes", term)).to_have_text(shown)
    number = page.get_by_role("heading", level=1).inner_text().split(" ")[0]
    card = page.locator("#relationships-card")
    rows = page.locator("#relationships tbody tr")
    for kind, inverse in KINDS.items():
        for direction, other, said in (
            ("This CI →", "san-01", kind.lower()),
            ("← This CI is the target of", "fw-01", inverse),
        ):
            card.get_by_label("Direction").select_option(label=direction)
            card.get_by_label("Type").select_option(label=kind)
            pick(
                page, card.get_by_role("combobox", name="Other CI"), other, re.compile(f"^{other}")
            )
            card.get_by_role("button", name="Relate").click()
            # the card comes back with the new row, said from this CI's end
            expect(rows.filter(has_text=other).filter(has_text=said)).to_have_count(1)
            no_error_on_page(page)
    expect(rows).to_have_count(2 * len(KINDS))
    swapped(page)

    # its impact, both ways (htmx tabs)
    impact = page.locator("#impact")
    page.get_by_role("link", name="What it depends on").click()
    expect(impact).to_contain_text("san-01")
    page.get_by_role("link", name="Who depends on it").click()
    expect(impact).to_contain_text("fw-01")
    swapped(page)

    # each removed after the browser's confirmation; the buttons say which, in words
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    for kind, inverse in KINDS.items():
        for said in (kind.lower(), inverse):
            before = rows.count()
            button = page.get_by_role(
                "button", name=re.compile(f"^Remove the relationship: {said} CI")
            )
            expect(button).to_have_count(1)
            button.click()
            expect(rows).to_have_count(max(before - 1, 1))
    expect(rows).to_have_text(["No relationships."])
    assert asked == ["Remove this relationship?"] * 2 * len(KINDS)
    no_error_on_page(page)
    page.reload()
    # the history in words too (it printed "related CI0000201 runs_on CI0000008")
    history = page.locator("#history")
    for kind in KINDS:
        expect(history).to_contain_text(f"removed {number} jrn-app-09 {kind.lower()} CI")
    expect(history).not_to_contain_text(re.compile("depends_on|runs_on|hosted_on|part_of"))


def test_asset_manager_pages_the_list_and_checks_a_second_import_from_discovery(page):
    sign_in(page, "am")
    open_module(page, "CMDB")
    heading(page, "Configuration items")
    first = ci_rows(page).get_by_role("link").all_inner_texts()
    page.get_by_role("link", name="Next page").click()
    swapped(page)
    expect(ci_rows(page).first.get_by_role("link")).not_to_have_text(first[0])
    later = ci_rows(page).get_by_role("link").all_inner_texts()
    assert later, "the next page is empty"
    assert not set(later) & set(first), "the next page repeats rows"
    page.get_by_role("link", name="First page").click()
    expect(ci_rows(page).first.get_by_role("link")).to_have_text(first[0])
    expect(page.get_by_role("link", name="First page")).to_have_count(0)

    open_module(page, "CMDB")
    page.get_by_role("link", name="Import").click()
    heading(page, "Import configuration items")
    page.get_by_label("Source").select_option(label="Spreadsheet")
    page.get_by_label("File").set_input_files(
        files=[
            {
                "name": "racks.csv",
                "mimeType": "text/csv",
                "buffer": b"ci_class,name,serial_number\nserver,jrn-imp-21,SN-JRN-021\n",
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Plan (dry run)")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Apply")).click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    no_error_on_page(page)

    # discovery then reports the same server with its address: checked from the same page
    page.get_by_label("Source").select_option(label="Network discovery")
    page.get_by_label("File").set_input_files(
        files=[
            {
                "name": "scan.csv",
                "mimeType": "text/csv",
                "buffer": b"ci_class,name,serial_number,ip_address\n"
                b"server,jrn-imp-21,SN-JRN-021,10.9.0.21\n",
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Plan (dry run)")).to_be_visible()
    plan = page.locator(".import-rows tbody tr")
    expect(plan).to_have_count(1)
    expect(plan.first).to_contain_text("update")
    expect(plan.first).to_contain_text("10.9.0.21")
    page.get_by_role("button", name="Apply scan.csv from discovery").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    no_error_on_page(page)
    open_ci(page, "jrn-imp-21")
    expect(fact(page, "Attributes", "IP address")).to_have_text("10.9.0.21")
