"""The asset manager (am: Arne Assets): finding a CI, the open work on it, its service map,
editing it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import describe, violations
from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    open_module,
    pick,
    shot,
    sign_in,
    swapped,
)

pytestmark = [pytest.mark.browser]


def ci_rows(page):
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=re.compile("^CI")))


def open_ci(page, name: str) -> None:
    open_module(page, "CMDB")
    heading(page, "Configuration items")
    page.get_by_role("searchbox", name="Search").fill(name)
    page.get_by_role("searchbox", name="Search").press("Enter")
    swapped(page)
    ci_rows(page).filter(has=page.get_by_role("cell", name=name, exact=True)).get_by_role(
        "link"
    ).click()
    heading(page, re.compile(re.escape(name)))


def test_asset_manager_finds_a_service_and_follows_its_open_work(page):
    sign_in(page, "am")
    open_module(page, "CMDB")
    for name, label in (
        ("Class", "Business service"),
        ("Status", "Live"),
        ("Environment", "Production"),
    ):
        page.get_by_role("combobox", name=name).select_option(label=label)
        swapped(page)
        no_error_on_page(page)
    for text in ci_rows(page).all_inner_texts():
        for chosen in ("Business service", "Live"):
            assert chosen in text, text
    shot(page, "asset-manager", "cmdb")

    open_ci(page, "Online shop")
    # the defect: a CI page had no link to its open incidents and changes
    work = page.get_by_role("region", name="Open work on this CI")
    incidents = work.get_by_role("table", name="Incidents")
    expect(incidents.get_by_role("link").first).to_be_visible()
    expect(work.get_by_role("table", name="Changes").get_by_role("link").first).to_be_visible()
    dates_in_house_style(page)  # the defect: "Updated: Dec. 3, 2026, 9:13 a.m." here
    shot(page, "asset-manager", "ci")
    number = incidents.get_by_role("link").first.inner_text()
    incidents.get_by_role("link").first.click()
    heading(page, re.compile(number))
    expect(page.locator("dt:text-is('Service / CI') + dd")).to_contain_text("Online shop")


def test_asset_manager_reads_a_cis_attributes_in_words(page):
    sign_in(page, "am")
    open_ci(page, "Customer support portal")
    attributes = page.locator("#attributes")
    # the defect: a yes/no attribute read "True" (Python's word) and "sla_tier" "Sla tier"
    expect(attributes.locator("dt:text-is('Customer facing') + dd")).to_have_text(
        re.compile("^(Yes|No)$")
    )
    expect(attributes.locator("dt:text-is('SLA tier')")).to_have_count(1)
    expect(attributes).not_to_contain_text(re.compile(r"\bTrue\b|\bFalse\b|Sla tier"))

    # and a date attribute in the house style, not as stored ("2021-03-15")
    open_ci(page, "esx-03")
    bought = page.locator("#attributes dt:text-is('Purchase date') + dd")
    expect(bought).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$"))


def test_asset_manager_exports_the_assets_her_filter_shows(page):
    sign_in(page, "am")
    open_module(page, "Assets")
    heading(page, "Assets")
    page.get_by_role("combobox", name="Status").select_option(label="In stock")
    swapped(page)
    no_error_on_page(page)
    rows = page.locator("#rows tr").filter(has=page.get_by_role("link", name=re.compile("^AST")))
    expect(rows.filter(has_not_text="In stock")).to_have_count(0)
    # the defect: the filter swapped the rows in, but the export and label links kept the
    # address the page was loaded with, and "Export CSV" gave every asset
    export = page.get_by_role("link", name="Export CSV")
    for link in (export, page.get_by_role("link", name="Print labels")):
        expect(link).to_have_attribute("href", re.compile(r"[?&]status=in_stock(&|$)"))
        expect(link).not_to_have_attribute("href", re.compile("partial"))
    with page.expect_download() as download:
        export.click()
    with Path(download.value.path()).open(newline="", encoding="utf-8") as exported:
        statuses = [row["status"] for row in csv.DictReader(exported)]
    assert statuses, "nothing exported"
    assert set(statuses) == {"in_stock"}, sorted(set(statuses))


def test_asset_manager_opens_an_impact_tab_in_a_tab_of_its_own(page):
    sign_in(page, "am")
    open_ci(page, "Online shop")
    expect(page.locator("#impact")).to_contain_text(re.compile(r"\d+ CIs? depends? on"))
    # the defect: the tabs' addresses were the panel's fragment, so "open in new tab" showed
    # a bare list with no page around it (no title, no language: axe-core, serious); now
    # each is the CI page on that tab
    link = page.get_by_role("link", name="What it depends on")
    tab = page.context.new_page()
    try:
        tab.goto(link.get_attribute("href"))
        tab.wait_for_load_state("networkidle")
        expect(tab.get_by_role("heading", level=1)).to_have_text(re.compile("Online shop"))
        expect(tab.locator("#impact")).to_contain_text(re.compile(r"depends on \d+ CIs?"))
        assert tab.title(), "the tab has no title"
        assert not violations(tab), describe(violations(tab))
    finally:
        tab.close()


def test_asset_manager_reads_the_service_map(page):
    sign_in(page, "am")
    open_ci(page, "Online shop")
    page.get_by_role("link", name="Service map").click()
    heading(page, "Service map · Online shop")
    depth = page.get_by_role("navigation", name="Depth")
    depth.get_by_role("link", name="1 hop").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("group", name="Service map of Online shop")).to_be_visible()
    shot(page, "asset-manager", "service-map")  # one hop: the guide's image stays small
    depth.get_by_role("link", name="2 hops").click()
    page.wait_for_load_state("load")
    graph = page.get_by_role("group", name="Service map of Online shop")
    expect(graph).to_be_visible()
    # the defect: raw type names (runs_on, virtual_machine) and overlapping labels
    expect(graph).to_contain_text("runs on")
    expect(graph).not_to_contain_text(re.compile(r"runs_on|virtual_machine|part_of"))
    labels = graph.get_by_role("link").all()
    boxes = [b for b in (label.bounding_box() for label in labels) if b]
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            assert overlap_x <= 1 or overlap_y <= 1, f"labels overlap: {a} {b}"


def test_asset_manager_edits_a_ci(page):
    sign_in(page, "am")
    open_ci(page, "vm-0030")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Product version").fill("2.4.1")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_load_state("load")
    heading(page, re.compile("vm-0030"))
    expect(page.locator("dt:text-is('Version') + dd")).to_have_text("2.4.1")


def test_asset_manager_adds_a_ci_relates_it_by_name_and_imports_a_file(page):
    sign_in(page, "am")
    open_module(page, "CMDB")
    page.get_by_role("link", name="New CI").click()
    page.get_by_label("Name").fill("jrn-app-01")
    page.get_by_label("Class").select_option(label="Server")
    page.get_by_role("button", name="Create CI").click()
    page.wait_for_load_state("load")
    heading(page, re.compile("jrn-app-01"))
    no_error_on_page(page)

    # the defect: the other CI of a relationship was typed as a number
    pick(page, page.get_by_role("combobox", name="Other CI"), "esx-02", re.compile("^esx-02"))
    page.get_by_role("button", name="Relate").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(
        page.get_by_role("main").get_by_role("link", name=re.compile("esx-02"))
    ).not_to_have_count(0)

    open_module(page, "CMDB")
    page.get_by_role("link", name="Import").click()
    heading(page, "Import configuration items")
    with page.expect_file_chooser() as chooser:
        page.get_by_label("File").click()
    chooser.value.set_files(
        {
            "name": "servers.csv",
            "mimeType": "text/csv",
            "buffer": b"ci_class,name,serial_number\nserver,jrn-imp-01,SN-JRN-001\n",
        }
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Plan (dry run)")).to_be_visible()
    expect(page.locator(".import-rows")).to_contain_text("create")
    page.get_by_role("button", name=re.compile("^Apply")).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    no_error_on_page(page)
    open_ci(page, "jrn-imp-01")


def test_asset_manager_retires_a_laptop_and_disposes_it_with_a_certificate(page):
    """Retire a deployed laptop, record its sanitisation certificate, dispose of it, and
    find it in the disposition report: clicking and typing only."""
    sign_in(page, "am")
    open_module(page, "Assets")
    heading(page, "Assets")
    page.get_by_role("combobox", name="Status").select_option(label="Deployed")
    swapped(page)
    page.get_by_role("combobox", name="Model").select_option(label="Dell Latitude 7440")
    swapped(page)
    no_error_on_page(page)
    rows = page.locator("tbody tr").filter(has=page.get_by_role("link", name=re.compile("^AST")))
    expect(rows.first).to_contain_text("Dell Latitude 7440")
    number = rows.first.get_by_role("link").inner_text()
    rows.first.get_by_role("link").click()
    heading(page, re.compile(number))

    page.get_by_role("button", name="Retire").click()
    page.wait_for_load_state("load")
    expect(page.locator(".status").first).to_have_text("Retired")
    card = page.get_by_role("region", name="Disposition")
    expect(card.get_by_role("status")).to_contain_text("sanitisation level")
    # no "Dispose" before the record is complete (it was offered, then refused: walk42)
    work = page.get_by_role("region", name="Work it")
    expect(work.get_by_role("button", name="Dispose")).to_have_count(0)
    expect(work).to_contain_text("Dispose is offered once the disposition record below")
    card.get_by_label("Method").select_option(label="Destruction")
    card.get_by_label("Sanitisation (NIST SP 800-88)").select_option(label="Purge")
    card.get_by_label("Disposal vendor").fill("SecureShred AG")
    card.get_by_label("Certificate number").fill("COD-JOURNEY-1")
    card.get_by_label("Certificate date").fill("2026-11-30")
    card.get_by_role("button", name="Save disposition").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("region", name="Disposition").get_by_role("status")).to_contain_text(
        "may be disposed"
    )
    page.get_by_role("button", name="Dispose").click()
    page.wait_for_load_state("load")
    expect(page.locator(".status").first).to_have_text("Disposed")
    shot(page, "asset-manager", "disposed")

    page.get_by_role("link", name="← Assets").click()
    page.get_by_role("navigation", name="Asset pages").get_by_role(
        "link", name="Disposition report"
    ).click()
    heading(page, "Disposition report")
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=number))
    expect(row).to_contain_text("COD-JOURNEY-1")
    expect(row).to_contain_text("Purge")


def test_asset_manager_brings_a_product_back_into_licence_compliance(page):
    """The compliance report names the product out of compliance (the demo's Acrobat);
    its page shows the shortfall and who consumes it; a licence for the missing seats,
    typed into the form, makes it compliant."""
    sign_in(page, "am")
    open_module(page, "Software")
    heading(page, "Software")
    page.get_by_role("link", name="Compliance report").click()
    heading(page, "Licence compliance")
    expect(page.locator("#summary")).to_have_text("1 product out of compliance.")
    first = page.locator("#report tbody tr").first
    expect(first).to_contain_text("Shortfall")
    expect(first).to_contain_text("Acrobat Pro")
    shot(page, "asset-manager", "licence-compliance")
    first.get_by_role("link", name=re.compile("Acrobat Pro")).click()
    heading(page, re.compile("Acrobat Pro"))
    short = page.locator("#shortfall strong").inner_text()
    missing = re.search(r"\d+", short).group()
    # the drill-down lists the consuming devices
    expect(page.locator("#installations tr").first).to_contain_text("CI")
    page.get_by_role("link", name="Add licence").click()
    heading(page, "New licence")
    expect(page.get_by_role("combobox", name="Product")).to_have_value(re.compile("Acrobat Pro"))
    page.get_by_label("Quantity").fill(missing)
    page.get_by_label("Start date").fill("2026-11-01")
    page.get_by_label("Vendor").fill("SoftwareOne")
    page.get_by_label("Purchase order").fill("PO-77001")
    page.get_by_role("button", name="Create licence").click()
    page.wait_for_load_state("load")
    heading(page, re.compile("Acrobat Pro"))
    expect(page.locator(".toolbar .status")).to_have_text("Compliant")
    page.get_by_role("link", name="← Licence compliance").click()
    heading(page, "Licence compliance")
    expect(page.locator("#summary")).to_have_text("Every product is compliant.")


def open_first_asset(page, status: str) -> str:
    """From the asset list filtered by ``status``, open the first asset; its number."""
    open_module(page, "Assets")
    heading(page, "Assets")
    page.get_by_role("combobox", name="Status").select_option(label=status)
    swapped(page)
    rows = page.locator("tbody tr").filter(has=page.get_by_role("link", name=re.compile("^AST")))
    number = rows.first.get_by_role("link").inner_text()
    rows.first.get_by_role("link").click()
    heading(page, re.compile(number))
    return number


def test_asset_manager_edits_an_asset_picking_its_location_by_name(page):
    sign_in(page, "am")
    open_first_asset(page, "In stock")
    page.get_by_role("link", name="Edit", exact=True).click()
    heading(page, re.compile("^Edit AST"))
    page.get_by_label("Purchase order").fill("PO-JOURNEY-7")
    location = page.get_by_role("combobox", name="Location")
    pick(page, location, "Ber", re.compile("Berlin"))
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator("dt:text-is('Purchase order') + dd")).to_have_text("PO-JOURNEY-7")
    expect(page.locator("dt:text-is('Location') + dd")).to_contain_text("Berlin")
    shot(page, "asset-manager", "asset-edited")


def test_asset_manager_keeps_categories_and_models(page):
    """A new category with its schedules, a model of it, and the model's warranty term
    changed afterwards: clicking and typing only."""
    sign_in(page, "am")
    open_module(page, "Assets")
    nav = page.get_by_role("navigation", name="Asset pages")
    nav.get_by_role("link", name="Categories").click()
    heading(page, "Asset categories")
    page.get_by_role("link", name="New category").click()
    page.get_by_label("Name").fill("Tablet")
    page.get_by_label("Book method").select_option(label="Straight-line")
    page.get_by_label("Book life (years)").fill("3")
    page.get_by_label("Tax method").select_option(label="Declining balance")
    page.get_by_label("Tax life (years)").fill("3")
    page.get_by_label("Tax rate (% a year)").fill("40")
    page.get_by_role("button", name="Create category").click()
    heading(page, "Asset categories")
    expect(page.locator("tbody tr").filter(has_text="Tablet")).to_contain_text(
        "Declining balance, 3 years, 40.00 %"
    )

    page.get_by_role("navigation", name="Asset pages").get_by_role("link", name="Models").click()
    heading(page, "Asset models")
    page.get_by_role("link", name="New model").click()
    page.get_by_label("Manufacturer").fill("Apple")
    page.get_by_label("Model", exact=True).fill("iPad Air")
    page.get_by_label("Category").select_option(label="Tablet")
    page.get_by_label("Warranty (months)").fill("12")
    page.get_by_role("button", name="Create model").click()
    heading(page, "Asset models")
    page.get_by_role("link", name="iPad Air").click()
    heading(page, re.compile("Edit model"))
    page.get_by_label("Warranty (months)").fill("24")
    page.get_by_role("button", name="Save changes").click()
    heading(page, "Asset models")
    expect(page.locator("tbody tr").filter(has_text="iPad Air")).to_contain_text("24 months")
    no_error_on_page(page)


def test_a_requester_borrows_a_laptop_and_the_asset_manager_hands_one_out(page):
    """alice orders the demo's Laptop loan from the catalogue; am completes its task, which
    checks an in-stock laptop out to her as a loan; the asset list finds it by assignee."""
    sign_in(page, "alice")
    open_module(page, "Service catalogue")
    page.get_by_role("link", name="Laptop loan").click()
    heading(page, "Laptop loan")
    page.get_by_label("Model", exact=True).select_option(label="Dell Latitude 7440")
    page.get_by_label("Return by").fill("2030-06-30")
    page.get_by_role("button", name="Order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^REQ\d{7} · Laptop"))
    number = page.get_by_role("heading", level=1).inner_text().split(" ")[0]
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "am")
    open_module(page, "Fulfilment tasks")
    heading(page, "Fulfilment tasks")
    row = page.locator("tbody tr").filter(has_text=number)
    row.get_by_role("link", name=re.compile("^TASK")).click()
    page.get_by_role("button", name="Take").click()
    expect(page.locator(".status").first).to_have_text("In progress")
    page.get_by_label("What was done").fill("Handed over at the desk.")
    page.get_by_role("button", name="Complete").click()
    expect(page.locator(".status").first).to_have_text("Done")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Checked out AST\d+ .* to alice"))
    no_error_on_page(page)

    open_module(page, "Assets")
    page.get_by_role("textbox", name="Assignee").fill("alice")
    page.get_by_role("textbox", name="Assignee").press("Enter")
    swapped(page)
    rows = page.locator("tbody tr").filter(has=page.get_by_role("link", name=re.compile("^AST")))
    expect(rows.filter(has_text="Dell Latitude 7440")).not_to_have_count(0)
    rows.filter(has_text="Dell Latitude 7440").first.get_by_role("link").click()
    history = page.get_by_role("region", name="Check-out history")
    expect(history).to_contain_text("30 Jun 2030")


def test_asset_manager_records_a_product_and_an_installation(page):
    sign_in(page, "am")
    open_module(page, "Software")
    heading(page, "Software")
    page.get_by_role("link", name="New product").click()
    heading(page, "New product")
    page.get_by_label("Publisher").fill("JetBrains")
    page.get_by_label("Name").fill("IntelliJ IDEA")
    page.get_by_label("Match rules").fill("intellij idea*")
    page.get_by_role("button", name="Create product").click()
    heading(page, "JetBrains IntelliJ IDEA")
    page.get_by_role("link", name="Add installation").click()
    heading(page, "New installation")
    expect(page.get_by_role("combobox", name="Product")).to_have_value("JetBrains IntelliJ IDEA")
    pick(page, page.get_by_role("combobox", name="Device"), "vm-0030", re.compile("^vm-0030"))
    page.get_by_role("button", name="Record installation").click()
    heading(page, "JetBrains IntelliJ IDEA")
    expect(page.locator("#installations")).to_contain_text("vm-0030")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Version family").fill("2025")
    page.get_by_role("button", name="Save changes").click()
    heading(page, "JetBrains IntelliJ IDEA 2025")
    no_error_on_page(page)


def test_asset_manager_chases_an_overdue_loan(page):
    """The Loans tab lists the demo's overdue loans, longest overdue first, with holder, due
    date and days overdue; the other tabs and the holder box narrow it; a row opens the asset,
    whose check-out history shows the same due date."""
    sign_in(page, "am")
    open_module(page, "Assets")
    page.get_by_role("navigation", name="Asset pages").get_by_role("link", name="Loans").click()
    heading(page, "Loans · Overdue")
    rows = page.locator("#loans tbody tr")
    expect(rows.first.get_by_role("link", name=re.compile("^AST"))).to_be_visible()
    days = [int(t) for t in page.locator("#loans tbody td strong").all_inner_texts()]
    assert days, "no overdue loan in the demo"
    assert days == sorted(days, reverse=True), days  # the longest overdue first
    due = rows.first.locator("time").inner_text()
    shot(page, "asset-manager", "overdue-loans")

    page.get_by_role("navigation", name="Which loans").get_by_role(
        "link", name="Not yet due"
    ).click()
    heading(page, "Loans · Not yet due")
    expect(page.locator("#loans tbody td strong")).to_have_count(0)
    page.get_by_role("navigation", name="Which loans").get_by_role("link", name="Overdue").click()
    heading(page, "Loans · Overdue")
    page.get_by_role("navigation", name="Which loans").get_by_role(
        "link", name="All open loans"
    ).click()
    heading(page, "Loans · All open loans")
    page.get_by_role("searchbox", name="Holder").fill("nobody-has-this-name")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
    expect(page.locator("#loans tbody")).to_contain_text("No loans here.")
    # the tabs keep the holder: back to every holder, then the overdue ones
    page.get_by_role("searchbox", name="Holder").fill("")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
    page.get_by_role("navigation", name="Which loans").get_by_role("link", name="Overdue").click()
    heading(page, "Loans · Overdue")
    number = rows.first.get_by_role("link", name=re.compile("^AST")).inner_text()
    rows.first.get_by_role("link", name=re.compile("^AST")).click()
    heading(page, re.compile(number))
    expect(page.get_by_role("region", name="Check-out history")).to_contain_text(due)
    no_error_on_page(page)


def test_asset_manager_gives_a_category_a_residual_value(page):
    """Monitors keep 10 % of their cost: typed into the category's form, shown in the list,
    and in the edit page's schedule for a cost of 1,000.00 (straight-line over 5 years:
    180.00 a year, ending at 100.00)."""
    sign_in(page, "am")
    open_module(page, "Assets")
    page.get_by_role("navigation", name="Asset pages").get_by_role(
        "link", name="Categories"
    ).click()
    heading(page, "Asset categories")
    page.get_by_role("link", name="Monitor", exact=True).click()
    heading(page, re.compile("Edit category · Monitor"))
    page.get_by_label("Book residual value (% of cost)").fill("10")
    page.get_by_role("button", name="Save changes").click()
    heading(page, "Asset categories")
    no_error_on_page(page)
    expect(page.locator("tbody tr").filter(has_text="Monitor")).to_contain_text(
        "Straight-line, 5 years, residual 10.00 %"
    )
    page.get_by_role("link", name="Monitor", exact=True).click()
    example = page.get_by_role("table", name=re.compile("Saved schedules"))
    expect(example.locator("tbody tr").last).to_contain_text("180.00")
    expect(example.locator("tbody tr").last.locator("td").nth(2)).to_have_text("100.00")
    no_error_on_page(page)


def test_asset_manager_receives_a_donated_monitor_into_a_stock_room_and_deploys_it(page):
    """Her first day's three defects: the New asset form had no stock room (an asset in
    stock read "Stock room: —"), required a cost (a donated monitor could not be recorded),
    and the asset page's "Deploy" deployed it to nobody (only "Check out" asked)."""
    sign_in(page, "am")
    open_module(page, "Assets")
    heading(page, "Assets")
    page.get_by_role("link", name="New asset").click()
    heading(page, "New asset")
    page.get_by_label("Asset tag").fill("MON-GIFT-1")
    page.get_by_label("Serial number").fill("SN-MON-GIFT-1")
    page.get_by_label("Model").select_option(label="Dell P2423D")
    page.get_by_label("Status").select_option(label="In stock")
    page.get_by_label("Stock room").select_option(label="Branch stock room")
    pick(page, page.get_by_role("combobox", name="Location"), "Lond", re.compile("London"))
    page.get_by_label("Vendor").fill("Donated by a partner school")
    expect(page.get_by_label("Cost")).to_have_value("")  # donated: no cost
    page.get_by_role("button", name="Record asset").click()
    heading(page, re.compile("MON-GIFT-1"))
    no_error_on_page(page)
    for term, shown in (("Stock room", "Branch stock room"), ("Cost", "0.00")):
        expect(page.locator(f"dt:text-is('{term}') + dd")).to_have_text(shown)
    expect(page.locator("dt:text-is('Location') + dd")).to_contain_text("London")

    work = page.locator("#work")
    expect(work.get_by_role("button", name="Deploy", exact=True)).to_have_count(0)
    expect(work).to_contain_text("A check-out deploys the asset")
    pick(page, work.get_by_role("combobox", name="Person"), "Karl Lars", re.compile("^Karl Larsen"))
    work.get_by_role("button", name="Check out").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator(".status").first).to_have_text("Deployed")
    expect(page.locator("dt:text-is('Assigned to') + dd")).to_contain_text("Karl Larsen")
    expect(page.locator("dt:text-is('Stock room') + dd")).to_have_text("—")


def test_asset_manager_receives_an_ordered_laptop_into_the_room_she_names(page):
    """Receive into stock asked nothing: an ordered asset arrived in no stock room."""
    sign_in(page, "am")
    open_module(page, "Assets")
    page.get_by_role("link", name="New asset").click()
    heading(page, "New asset")
    page.get_by_label("Asset tag").fill("MON-ORDER-1")
    page.get_by_label("Serial number").fill("SN-MON-ORDER-1")
    page.get_by_label("Model").select_option(label="Dell P2423D")
    page.get_by_label("Status").select_option(label="On order")
    page.get_by_role("button", name="Record asset").click()
    heading(page, re.compile("MON-ORDER-1"))
    expect(page.locator("dt:text-is('Stock room') + dd")).to_have_text("—")

    work = page.locator("#work")
    work.get_by_label("Into stock room").select_option(label="Branch stock room")
    work.get_by_role("button", name="Receive into stock").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator(".status").first).to_have_text("In stock")
    expect(page.locator("dt:text-is('Stock room') + dd")).to_have_text("Branch stock room")
