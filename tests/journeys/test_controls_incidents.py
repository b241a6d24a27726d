"""The incident pages' controls no other journey drives (tests/journeys/controls.py): the
queue's tabs, pager and saved views, and the "New incident" form's caller and CI pickers,
impact and the "Major incident" box, and the record page's "Major incident" choice, each from
the page's default state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, pick, sign_in, swapped
from tests.journeys.test_agent import queue_rows

pytestmark = [pytest.mark.browser]

TABS = ("My teams", "Unassigned", "Breaching soon", "Major incidents", "All open", "Everything")


def test_agent_walks_the_queue_tabs_pages_and_saves_a_view(page):
    sign_in(page, "agent")
    open_module(page, "Incidents")
    heading(page, "Incidents")
    tabs = page.get_by_role("navigation", name="Queues")
    for name in TABS:
        tabs.get_by_role("link", name=name, exact=True).click()
        expect(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        no_error_on_page(page)

    # "Everything" is more than a page: the next page, then back to the first
    first_numbers = queue_rows(page).locator("td:nth-child(2) a").all_inner_texts()
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next page").click()
    swapped(page)
    expect(pages.get_by_role("link", name="First page")).to_be_visible()
    expect(queue_rows(page).first).to_be_visible()
    second = queue_rows(page).locator("td:nth-child(2) a").all_inner_texts()
    assert second, "the next page is empty"
    assert not set(second) & set(first_numbers), "the next page repeats rows"
    pages.get_by_role("link", name="First page").click()
    expect(pages.get_by_role("link", name="First page")).to_have_count(0)
    expect(queue_rows(page).locator("td:nth-child(2) a").first).to_have_text(first_numbers[0])

    # a saved view: the filters as they are, under a name; opened from its chip; deleted
    page.get_by_role("combobox", name="Priority").select_option(label="P2")
    swapped(page)
    page.get_by_label("Save this view as").fill("P2 everywhere")
    page.get_by_role("button", name="Save view").click()
    saved = page.get_by_role("navigation", name="Saved views")
    expect(saved.get_by_role("link", name="P2 everywhere")).to_be_visible()
    tabs.get_by_role("link", name="All open").click()
    expect(page.get_by_role("combobox", name="Priority")).to_have_value("")
    saved.get_by_role("link", name="P2 everywhere").click()
    expect(page.get_by_role("combobox", name="Priority")).to_have_value("2")
    for text in queue_rows(page).locator("td:nth-child(3)").all_inner_texts():
        assert text.strip() == "P2", text
    saved.get_by_role("button", name="Delete saved view P2 everywhere").click()
    expect(page.get_by_role("link", name="P2 everywhere")).to_have_count(0)
    no_error_on_page(page)


def test_agent_declares_a_major_incident_for_a_caller_on_a_ci(page):
    sign_in(page, "agent")
    open_module(page, "Incidents")
    page.get_by_role("link", name="New incident").click()
    heading(page, "New incident")
    page.get_by_label("Title").fill("Storage array unreachable for everyone")
    pick(page, page.get_by_label("Caller"), "Larse", re.compile("^Karl Larsen"))
    # the call came by phone (the form had no channel: a phoned-in incident read "Web")
    channel = page.get_by_label("Channel")
    expect(channel).to_have_value("web")
    channel.select_option(label="Phone")
    page.get_by_label("Impact").select_option(label="1 - High")
    page.get_by_label("Urgency").select_option(label="1 - High")
    expect(page.get_by_role("status")).to_have_text("P1")  # impact × urgency, as chosen
    pick(page, page.get_by_label("Configuration item"), "esx-01", re.compile("^esx-01"))
    page.get_by_label("Major incident").check()
    page.get_by_role("button", name="Log incident").click()
    heading(page, re.compile("Storage array unreachable"))
    expect(page.locator("h1 + .badge.major, .badge.major").first).to_have_text("MAJOR")
    expect(page.locator("dt:text-is('Caller') + dd")).to_contain_text("Karl Larsen")
    expect(page.locator("dt:text-is('Channel') + dd")).to_have_text("Phone")
    expect(page.locator("#activity")).to_contain_text("Sam Desk (Web) ·")  # words, not "web"
    expect(page.get_by_role("main").get_by_role("link", name="esx-01")).to_be_visible()
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    open_module(page, "Incidents")
    tabs = page.get_by_role("navigation", name="Queues")
    tabs.get_by_role("link", name="Major incidents").click()
    row = queue_rows(page).filter(has_text=number)
    expect(row.locator(".badge.major")).to_have_text("MAJOR")


def test_agent_makes_an_open_incident_major_from_its_page(page):
    """Made major after it was logged: the "Work it" panel's choice, saved, badged and in the
    history (the announcement it sends is tests/incidents/test_made_major.py's)."""
    sign_in(page, "agent")
    open_module(page, "Incidents")
    page.get_by_role("link", name="New incident").click()
    heading(page, "New incident")
    page.get_by_label("Title").fill("Print queue stuck on the third floor")
    page.get_by_role("button", name="Log incident").click()
    heading(page, re.compile("Print queue stuck"))
    expect(page.locator(".badge.major")).to_have_count(0)
    choice = page.get_by_label("Major incident")
    expect(choice).to_have_value("False")
    choice.select_option(label="Yes")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".badge.major").first).to_have_text("MAJOR")
    expect(page.get_by_label("Major incident")).to_have_value("True")
    expect(page.locator("#activity")).to_contain_text("Major incident: No → Yes")
    no_error_on_page(page)
