"""The asset catalogue's controls no other journey drives (tests/journeys/controls.py): every
field of a new category and of its edit form, the CMDB class chosen by name, and a model's
maker, name and category changed; then an asset of it deployed becomes a CI of that class."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, pick, sign_in

pytestmark = [pytest.mark.browser]


def asset_page(page, link: str) -> None:
    page.get_by_role("navigation", name="Asset pages").get_by_role("link", name=link).click()
    page.wait_for_load_state("load")


def category_row(page, name: str):
    return page.locator("tbody tr").filter(has=page.get_by_role("cell", name=name, exact=True))


def test_asset_manager_adds_a_category_tracked_in_the_cmdb_then_changes_every_field(page):
    sign_in(page, "am")
    open_module(page, "Assets")
    asset_page(page, "Categories")
    heading(page, "Asset categories")
    page.get_by_role("link", name="New category").click()
    heading(page, "New category")
    page.get_by_label("Name").fill("Backup appliance")
    # the defect: a free-text class slug; "Storage" typed as read was saved, and every deploy
    # of the category's assets then failed on ci_class; so did a class whose CIs need an
    # attribute a deploy does not know (a network device's type). Now the classes a deploy
    # can create, by name
    cmdb_class = page.get_by_label("CMDB class")
    expect(cmdb_class.locator("option:checked")).to_have_text("Not tracked in the CMDB")
    expect(cmdb_class.locator("option", has_text="Network device")).to_have_count(0)
    cmdb_class.select_option(label="Storage")
    page.get_by_label("Book method").select_option(label="Declining balance")
    page.get_by_label("Book life (years)").fill("5")
    page.get_by_label("Book rate (% a year)").fill("30")
    page.get_by_label("Book residual value (% of cost)").fill("5")
    page.get_by_label("Tax method").select_option(label="Straight-line")
    page.get_by_label("Tax life (years)").fill("4")
    page.get_by_label("Tax residual value (% of cost)").fill("10")
    page.get_by_role("button", name="Create category").click()
    heading(page, "Asset categories")
    no_error_on_page(page)
    cells = category_row(page, "Backup appliance").get_by_role("cell")
    expect(cells).to_have_text(
        [
            "Backup appliance",
            "Declining balance, 5 years, 30.00 %, residual 5.00 %",
            "Straight-line, 4 years, residual 10.00 %",
            "Storage",  # the class by its name, not its slug
            "0",
        ]
    )

    page.get_by_role("link", name="Backup appliance", exact=True).click()
    heading(page, "Edit category · Backup appliance")
    expect(page.get_by_label("CMDB class").locator("option:checked")).to_have_text("Storage")
    page.get_by_label("Name").fill("Backup server")
    page.get_by_label("CMDB class").select_option(label="Server")
    page.get_by_label("Book method").select_option(label="Straight-line")
    page.get_by_label("Book life (years)").fill("6")
    page.get_by_label("Book rate (% a year)").fill("0")
    page.get_by_label("Tax method").select_option(label="Declining balance")
    page.get_by_label("Tax life (years)").fill("3")
    page.get_by_label("Tax rate (% a year)").fill("40")
    page.get_by_label("Tax residual value (% of cost)").fill("0")
    page.get_by_role("button", name="Save changes").click()
    heading(page, "Asset categories")
    no_error_on_page(page)
    expect(category_row(page, "Backup appliance")).to_have_count(0)
    expect(category_row(page, "Backup server").get_by_role("cell")).to_have_text(
        [
            "Backup server",
            "Straight-line, 6 years, residual 5.00 %",
            "Declining balance, 3 years, 40.00 %",
            "Server",
            "0",
        ]
    )
    page.get_by_role("link", name="Backup server", exact=True).click()
    heading(page, "Edit category · Backup server")
    expect(page.get_by_label("Book rate (% a year)")).to_have_value("0.00")
    expect(page.get_by_label("Tax residual value (% of cost)")).to_have_value("0.00")


def test_asset_manager_moves_a_model_to_another_category_and_deploys_one_as_a_ci(page):
    sign_in(page, "am")
    open_module(page, "Assets")
    asset_page(page, "Categories")
    page.get_by_role("link", name="New category").click()
    page.get_by_label("Name").fill("NAS")
    page.get_by_label("CMDB class").select_option(label="Storage")
    page.get_by_role("button", name="Create category").click()
    heading(page, "Asset categories")

    asset_page(page, "Models")
    heading(page, "Asset models")
    page.get_by_role("link", name="New model").click()
    page.get_by_label("Manufacturer").fill("Synologi")
    page.get_by_label("Model", exact=True).fill("RS-1220")
    page.get_by_label("Category").select_option(label="Monitor")
    page.get_by_role("button", name="Create model").click()
    heading(page, "Asset models")
    # a typo in the maker, the wrong name and category: each corrected on the edit form
    page.get_by_role("link", name="RS-1220", exact=True).click()
    heading(page, re.compile("Edit model"))
    page.get_by_label("Manufacturer").fill("Synology")
    page.get_by_label("Model", exact=True).fill("RS1221+")
    page.get_by_label("Category").select_option(label="NAS")
    page.get_by_role("button", name="Save changes").click()
    heading(page, "Asset models")
    no_error_on_page(page)
    expect(page.get_by_role("link", name="RS-1220", exact=True)).to_have_count(0)
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name="RS1221+"))
    expect(row.get_by_role("cell")).to_have_text(["Synology", "RS1221+", "NAS", "—", "0"])

    # an asset of it, deployed, becomes a CI of the category's class
    asset_page(page, "Assets")
    page.get_by_role("link", name="New asset").click()
    page.get_by_label("Asset tag").fill("NAS-JRN-1")
    page.get_by_label("Serial number").fill("SN-NAS-JRN-1")
    page.get_by_label("Model").select_option(label="Synology RS1221+")
    page.get_by_label("Status").select_option(label="In stock")
    page.get_by_label("Vendor").fill("Bechtle")
    page.get_by_label("Purchase order").fill("PO-NAS-1")
    page.get_by_label("Purchase date").fill("2026-11-20")
    page.get_by_label("Cost").fill("2890.00")
    page.get_by_label("Holds data").uncheck()
    page.get_by_role("button", name="Record asset").click()
    heading(page, re.compile("NAS-JRN-1"))
    for term, shown in (
        ("Vendor", "Bechtle"),
        ("Purchase order", "PO-NAS-1"),
        ("Purchased", "20 Nov 2026"),
        ("Holds data", "No"),
        ("Cost", "2890.00"),
    ):
        expect(page.locator(f"dt:text-is('{term}') + dd")).to_have_text(shown)
    work = page.locator("#work")
    pick(page, work.get_by_role("combobox", name="Location"), "Lond", re.compile("London"))
    work.get_by_role("button", name="Check out").click()  # a check-out deploys it
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator(".status").first).to_have_text("Deployed")
    ci = page.locator("dt:text-is('CI') + dd").get_by_role("link")
    expect(ci).to_contain_text("NAS-JRN-1")
    ci.click()
    heading(page, re.compile("NAS-JRN-1"))
    expect(page.locator("dt:text-is('Class') + dd")).to_contain_text("Storage")
