"""The requester (alice, an employee): her incidents newest first, reporting one with a plain
form, following it up, reading how a closed one was resolved; none of the agent's tools."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    heading,
    no_error_on_page,
    open_module,
    pick,
    shot,
    sign_in,
    swapped,
)

pytestmark = [pytest.mark.browser]


def my_rows(page):
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=re.compile("^INC")))


def test_requester_reports_a_problem_and_finds_it_first_in_my_incidents(page):
    sign_in(page, "alice")
    # requesters land on the help centre; the overview is one click away
    heading(page, "Help centre")
    expect(page).to_have_url(re.compile(r"/help/$"))
    open_module(page, "Overview")
    heading(page, "Good to see you, Alice")
    # the defect: /favicon.ico was a 404 on every page; the tab shows the page's icon, and a
    # browser that asks for /favicon.ico without reading the page is sent to the same one
    icon = page.locator("link[rel=icon]").get_attribute("href")
    for asked in (icon, "/favicon.ico"):
        answer = page.request.get(asked)
        assert answer.status == 200, (asked, answer.status)
        assert answer.headers["content-type"].startswith("image/svg+xml"), asked
    expect(page.get_by_role("heading", name="Your open incidents")).to_be_visible()
    shot(page, "requester", "home")

    # the defect: the navigation had no "My incidents", and her list was by priority
    open_module(page, "My incidents")
    heading(page, "My incidents")
    expect(page.get_by_role("combobox", name="Sort")).to_have_value(re.compile("newest|opened"))
    expect(my_rows(page).first).to_contain_text("Email outage for all of Northwind")  # 40 min
    # none of the agent's tools: no ticking rows, no Take, no team filter
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Take")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Team")).to_have_count(0)
    shot(page, "requester", "my-incidents")

    page.get_by_role("link", name="Report a problem").click()
    heading(page, "Report a problem")
    # a plain form: impact, urgency and CI numbers are the desk's business; the service is
    # picked by name ("Affected service", below), never typed as a number
    for field in ("Impact", "Urgency", "CI", "Service"):
        expect(page.get_by_label(field, exact=True)).to_have_count(0)

    # sent empty: the form says what is missing, on its own address, and a reload is safe
    page.get_by_role("button", name="Report it").click()
    expect(page.locator(".error").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/incidents/new/$"))
    swapped(page)
    page.reload()
    heading(page, "Report a problem")

    page.get_by_label("Title").fill("Docking station no longer charges my laptop")
    page.get_by_label("What happened").fill("Since Monday; the light stays off.")
    subcategory = page.get_by_label("Subcategory")
    expect(subcategory.locator("option")).to_have_count(1)  # nothing until a category
    page.get_by_label("Category", exact=True).select_option(label="Hardware")
    # the defect: subcategories were not narrowed by the category
    expect(subcategory.locator("option", has_text="Laptop")).to_have_count(1)
    expect(subcategory.locator("option", has_text="VPN")).to_have_count(0)
    subcategory.select_option(label="Laptop")
    swapped(page)
    shot(page, "requester", "report")
    page.get_by_role("button", name="Report it").click()

    expect(page.get_by_role("heading", name=re.compile("Docking station"))).to_be_visible()
    expect(page.get_by_role("heading", name="Work it")).to_have_count(0)
    expect(page.get_by_text("Internal work note")).to_have_count(0)
    # the defect: a requester's incident got no team; a rule routes it
    expect(page.locator("dt:text-is('Team / assignee') + dd")).not_to_have_text(re.compile("^—"))
    page.get_by_label("Add a comment").fill("It is the one on desk 14.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".timeline")).to_contain_text("It is the one on desk 14.")
    no_error_on_page(page)
    # the defect: no file could be attached from the web UI
    files = page.get_by_role("region", name="Attachments")
    with page.expect_file_chooser() as chooser:
        files.get_by_label("Files").click()
    chooser.value.set_files(
        {"name": "dock.txt", "mimeType": "text/plain", "buffer": b"model WD19, light off\n"}
    )
    files.get_by_role("button", name="Upload").click()
    rows = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and her file
    expect(rows.nth(1).get_by_role("cell").nth(0)).to_have_text("dock.txt")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("22 bytes")
    expect(rows.nth(1).get_by_role("cell").nth(3)).to_contain_text("Alice")
    swapped(page)
    files.scroll_into_view_if_needed()
    shot(page, "requester", "attachment")

    open_module(page, "My incidents")
    expect(my_rows(page).first).to_contain_text("Docking station no longer charges my laptop")


def test_requester_names_the_service_and_attaches_a_file_while_reporting(page):
    sign_in(page, "alice")
    open_module(page, "My incidents")
    page.get_by_role("link", name="Report a problem").click()
    heading(page, "Report a problem")
    page.get_by_label("Title").fill("My payslip for May shows no overtime")
    page.get_by_label("What happened").fill("The overtime I logged in May is missing.")
    # the defect: her form had no affected service; she types part of its name and picks
    # it from the suggestions with the keyboard (the services she may name)
    pick(
        page,
        page.get_by_label("Affected service"),
        "payr",
        re.compile("^Payroll"),
        guide=("requester", "report-service"),
    )
    expect(page.get_by_label("Affected service")).to_have_value("Payroll")
    # the defect: files could be attached only once the incident existed
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Attachments").click()
    chooser.value.set_files(
        {"name": "payslip-may.txt", "mimeType": "text/plain", "buffer": b"overtime: 0 h\n"}
    )
    expect(page.locator("[data-dropzone-chosen]")).to_contain_text("payslip-may.txt")
    swapped(page)
    page.get_by_role("button", name="Report it").click()

    # Post/Redirect/Get: the incident's own page, the service by name and her file listed
    heading(page, re.compile("My payslip for May shows no overtime"))
    expect(page).to_have_url(re.compile(r"/incidents/INC[^/]+/$"))
    expect(page.locator("dt:text-is('Service / CI') + dd")).to_contain_text("Payroll")
    rows = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and her file
    expect(rows.nth(1).get_by_role("cell").nth(0)).to_have_text("payslip-may.txt")
    expect(rows.nth(1).get_by_role("cell").nth(3)).to_contain_text("Alice")
    swapped(page)
    shot(page, "requester", "reported-with-file")


def test_requester_reads_how_her_closed_incident_was_resolved(page):
    sign_in(page, "alice")
    open_module(page, "My incidents")
    row = my_rows(page).filter(has_text="Shared mailbox not updating")
    row.get_by_role("link", name=re.compile("^INC")).click()
    heading(page, re.compile("Shared mailbox not updating"))
    # the defect: resolution notes were not shown on her page
    expect(page.get_by_role("heading", name="Resolution")).to_be_visible()
    expect(page.get_by_text("Fixed and confirmed with the caller.")).to_be_visible()
    expect(page.get_by_role("heading", name="Work it")).to_have_count(0)
    timeline = page.locator(".timeline")
    expect(timeline).not_to_contain_text(re.compile(r"\d{4}-\d\d-\d\dT\d\d:|_at:"))
    shot(page, "requester", "resolved")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_requester_reopens_her_resolved_incident(page):
    sign_in(page, "alice")
    open_module(page, "My incidents")
    page.get_by_role("link", name="Report a problem").click()
    page.get_by_label("Title").fill("Second monitor stays black")
    page.get_by_label("What happened").fill("Since this morning, on desk 12.")
    page.get_by_role("button", name="Report it").click()
    heading(page, re.compile("Second monitor stays black"))
    number = page.get_by_role("heading", level=1).inner_text().split()[0]
    sign_out(page)

    # the desk resolves it (no category: routed to the service desk, the agent's team)
    sign_in(page, "agent")
    open_module(page, "Incidents")
    search = page.get_by_role("searchbox", name="Search")
    search.fill(number)
    search.press("Enter")
    swapped(page)
    page.locator("#rows").get_by_role("link", name=number, exact=True).click()
    heading(page, re.compile("Second monitor stays black"))
    page.get_by_label("Resolution code").select_option(label="Solved (permanently)")
    page.get_by_label("Resolution notes").fill("Reseated the cable; the screen comes on.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".toolbar .status")).to_have_text("Resolved")
    sign_out(page)

    # the requester reads the resolution and, the screen black again, reopens it herself
    sign_in(page, "alice")
    open_module(page, "My incidents")
    row = my_rows(page).filter(has_text="Second monitor stays black")
    expect(row).to_contain_text("Resolved")
    row.get_by_role("link", name=number).click()
    expect(page.get_by_text("Reseated the cable; the screen comes on.")).to_be_visible()
    work = page.locator("#work")
    expect(work.get_by_role("heading")).to_have_text("Your incident")
    expect(work.get_by_role("button")).to_have_text(["Reopen"])  # nothing of the agent's
    expect(page.get_by_role("heading", name="Work it")).to_have_count(0)
    page.get_by_label("Add a comment").fill("It went black again after lunch.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".timeline")).to_contain_text("It went black again after lunch.")
    # asked why: a Reopen without a reason is refused at its field
    work.get_by_role("button", name="Reopen").click()
    expect(page.locator("#work")).to_contain_text("say why you reopen it")
    expect(page.locator(".toolbar .status")).to_have_text("Resolved")
    page.locator("#work").get_by_label("Why reopen it?").fill("Black again after lunch.")
    page.locator("#work").get_by_role("button", name="Reopen").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator(".toolbar .status")).to_have_text("In progress")
    expect(page.locator(".timeline")).to_contain_text("Reopened: Black again after lunch.")
    expect(page.get_by_role("button", name="Reopen")).to_have_count(0)
    page.reload()  # the address is the incident's: a reload is safe
    expect(page.locator(".toolbar .status")).to_have_text("In progress")
