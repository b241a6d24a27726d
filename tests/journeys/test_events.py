"""The operations agent (agent: Sam Desk) on the Events console: opens it from the top bar,
narrows it with every filter, opens the critical disk alert, acknowledges and closes it, and
follows it to the incident it opened."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    open_module,
    shot,
    sign_in,
    swapped,
)

pytestmark = [pytest.mark.browser]


def alert_rows(page):
    return page.locator("#rows tr").filter(has=page.get_by_role("link"))


def test_agent_works_a_critical_alert_to_its_incident(page):
    sign_in(page, "agent")
    open_module(page, "Events")
    heading(page, "Events")
    expect(page.get_by_role("combobox", name="State")).to_have_value("live")
    expect(alert_rows(page).first).to_be_visible()
    listed = alert_rows(page).count()
    shot(page, "agent", "events")

    page.get_by_role("combobox", name="Severity").select_option(label="Critical")
    swapped(page)
    no_error_on_page(page)
    expect(alert_rows(page).filter(has_not_text="Critical")).to_have_count(0)
    page.get_by_role("combobox", name="State").select_option(label="Open")
    swapped(page)
    source = page.get_by_role("textbox", name="Source")
    source.fill("nagios")
    source.press("Enter")
    swapped(page)
    search = page.get_by_role("searchbox", name="Search")
    search.fill("disk")
    search.press("Enter")
    swapped(page)
    no_error_on_page(page)
    expect(alert_rows(page)).to_have_count(1)
    assert listed > 1

    alert_rows(page).first.get_by_role("link").click()
    page.wait_for_load_state("load")
    heading(page, re.compile(r"· disk /var$"))
    expect(page.locator("dt:text-is('Occurrences') + dd")).to_have_text("3")
    dates_in_house_style(page)
    incident = page.locator("dt:text-is('Incident') + dd").get_by_role("link")
    number = incident.inner_text().split()[0]
    assert number.startswith("INC")

    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator(".toolbar .status")).to_have_text("Acknowledged")
    page.get_by_role("button", name="Close").click()
    page.wait_for_load_state("load")
    expect(page.locator(".toolbar .status")).to_have_text("Closed")
    expect(page.get_by_text("Closed: nothing more to do.")).to_be_visible()
    # raised, its incident opened, acknowledged, closed
    expect(page.locator(".timeline li")).to_have_count(4)
    # in the page's own words, not "state: acknowledged → closed"
    expect(page.locator(".timeline li").first).to_contain_text("State: Acknowledged → Closed")
    # the source's details as names and values, not Python's "{'demo': True}"
    expect(page.locator("#alert-details")).to_contain_text("demo")
    expect(page.locator("#alert-details")).not_to_contain_text("True")

    page.locator("dt:text-is('Incident') + dd").get_by_role("link").click()
    page.wait_for_load_state("load")
    heading(page, re.compile(rf"^{number} · \[nagios\]"))
