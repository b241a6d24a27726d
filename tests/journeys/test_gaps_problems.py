"""The demo's problems tell their story (issue 11, item 7: "problems linked to the incidents
they explain"): the agent opens a demo known error and follows it to the incidents it
explains and back; the asset manager finds a service's open problems on its CI page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    open_module,
    sign_in,
    swapped,
)
from tests.journeys.test_asset_manager import open_ci

pytestmark = [pytest.mark.browser]

KNOWN_ERROR = "Month-end reports exhaust the database"  # steward/problems/demo.py
DONE = re.compile(r"Resolved|Closed|Cancelled")


def facts(page, term: str):
    return page.locator(f"dt:text-is('{term}') + dd")


def test_agent_follows_a_demo_known_error_to_the_incidents_it_explains_and_back(page):
    sign_in(page, "agent")
    open_module(page, "Problems")
    heading(page, "Problems")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Known errors").click()
    page.wait_for_load_state("load")
    search = page.get_by_role("searchbox", name="Search")
    search.fill("month-end")
    search.press("Enter")
    swapped(page)
    no_error_on_page(page)
    row = page.locator("#rows tr").filter(has_text=KNOWN_ERROR)
    expect(row).to_contain_text("Known error")
    expect(row).to_contain_text("Data warehouse")  # its service, by name
    number = row.get_by_role("link", name=re.compile("^PRB")).inner_text()
    row.get_by_role("link", name=number).click()
    heading(page, re.compile(re.escape(KNOWN_ERROR)))
    expect(facts(page, "Service")).to_contain_text("Data warehouse")
    expect(page.get_by_role("heading", name="Workaround")).to_be_visible()
    dates_in_house_style(page)  # "Opened" read "Dec. 3, 2026, 9:13 a.m." here

    # the incidents it explains: several, each a link, of the problem's kind
    linked = page.locator("#linked-incidents")
    expect(linked.get_by_role("heading")).to_have_text(re.compile(r"Linked incidents \(\d+\)"))
    count = int(re.search(r"\d+", linked.get_by_role("heading").inner_text()).group())
    assert count >= 2, f"the demo's known error explains {count} incident(s)"
    incidents = linked.locator("tbody tr").filter(
        has=page.get_by_role("link", name=re.compile("^INC"))
    )
    expect(incidents).to_have_count(count)
    # it names the incidents it explains: some already resolved, at least one still open
    statuses = [r.locator("td").nth(2).inner_text() for r in incidents.all()]
    assert any(DONE.search(s) for s in statuses), statuses
    assert any(not DONE.search(s) for s in statuses), statuses
    first = incidents.first.get_by_role("link", name=re.compile("^INC"))
    incident = first.inner_text()
    first.click()
    heading(page, re.compile(incident))

    # from the incident: its problem, linked, with the workaround's problem reachable
    panel = page.get_by_role("region", name="Problems and known errors")
    expect(panel).to_contain_text(f"Linked to: {number}")
    panel.get_by_role("link", name=number).first.click()
    heading(page, re.compile(number))
    expect(page.locator("#linked-incidents")).to_contain_text(incident)
    no_error_on_page(page)


def test_asset_manager_reads_the_open_problems_on_a_service(page):
    """The CI page's "Open work" names the service's open problems, each a link; resolved,
    closed or cancelled ones are not there."""
    sign_in(page, "am")
    open_ci(page, "Online shop")
    work = page.get_by_role("region", name="Open work on this CI")
    problems = work.get_by_role("table", name="Problems")
    rows = problems.locator("tbody tr")
    # the demo's two open problems on the shop (steward/problems/demo.py)
    for title, status in (
        ("Deadlocks in the order database", "New"),
        ("ERP invoice batch times out", "Known error"),
    ):
        expect(rows.filter(has_text=title)).to_have_count(1)
        expect(rows.filter(has_text=title)).to_contain_text(status)
    for status in problems.locator("tbody tr td:nth-child(3)").all_inner_texts():
        assert not DONE.search(status), status
    row = rows.filter(has_text="Deadlocks in the order database")
    number = row.get_by_role("link").inner_text()
    assert re.fullmatch(r"PRB\d+", number), number
    row.get_by_role("link").click()
    heading(page, re.compile(number))
    expect(facts(page, "Service")).to_contain_text("Online shop")
    no_error_on_page(page)


def test_change_manager_chairs_the_demo_cab(page):
    """The demo's CAB (steward demo): the change manager leads it, with agents of the
    technical teams beside her (the CAB approval policy asks two of them)."""
    sign_in(page, "cm")
    open_module(page, "Teams")
    page.get_by_role("link", name="Change Advisory Board").click()
    heading(page, "Change Advisory Board")
    expect(page.get_by_role("main")).to_contain_text("Lead: Cara Change")
    members = page.locator("#members li")
    expect(members.filter(has_text="Cara Change")).to_have_count(1)
    assert members.count() >= 3, members.all_inner_texts()
    no_error_on_page(page)
