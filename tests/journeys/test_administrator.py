"""The administrator (admin: Ada Admin): SLA policies and business calendars on the web (the
defect: read-only in the Django admin, a 403 for a new calendar), and teams."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, shot, sign_in, swapped

pytestmark = [pytest.mark.browser]


def test_administrator_adds_a_business_calendar_and_reads_the_policies(page):
    sign_in(page, "admin")
    open_module(page, "SLA")
    heading(page, "SLA policies")
    page.get_by_role("combobox", name="Calendar").select_option(label="Berlin office hours")
    swapped(page)
    page.get_by_role("combobox", name="Active").select_option(label="Active")
    swapped(page)
    page.get_by_role("searchbox", name="Search").fill("P3")
    page.get_by_role("searchbox", name="Search").press("Enter")
    swapped(page)
    no_error_on_page(page)
    expect(page.get_by_role("link", name="P3 Moderate")).to_be_visible()
    shot(page, "administrator", "policies")
    page.get_by_role("link", name="P3 Moderate").click()
    heading(page, re.compile("P3 Moderate"))

    open_module(page, "SLA")
    page.get_by_role("navigation", name="SLA configuration").get_by_role(
        "link", name="Business calendars"
    ).click()
    heading(page, "Business calendars")
    page.get_by_role("link", name="New calendar").click()
    heading(page, "New business calendar")
    page.get_by_role("button", name="Add calendar").click()  # empty: says what is missing
    expect(page.locator(".error").first).to_be_visible()
    page.get_by_label("Name").fill("London office hours")
    page.get_by_label("Time zone").fill("Europe/London")
    page.get_by_label("Friday").fill("09:00-15:00")
    shot(page, "administrator", "new-calendar")
    page.get_by_role("button", name="Add calendar").click()
    heading(page, re.compile("London office hours"))
    no_error_on_page(page)
    page.reload()  # the address is the calendar's, not the POST's
    heading(page, re.compile("London office hours"))


def test_administrator_creates_a_team(page):
    sign_in(page, "admin")
    open_module(page, "Teams")
    page.get_by_text("New team").click()
    page.get_by_label("Name").fill("Field Services")
    page.get_by_label("Description").fill("On-site visits")
    page.get_by_role("button", name="Create team").click()
    heading(page, "Field Services")
