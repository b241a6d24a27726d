"""The administrator adds a business calendar and an SLA policy on the SLA pages, by clicking
and typing: a mistake shows beside its field, is corrected, and the saved pages survive a
reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.sla.models import BusinessCalendar, SlaPolicy
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_adds_a_business_calendar_and_a_policy(page):
    factories.admin(username="ada")

    sign_in(page, "ada")
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="SLA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SLA policies")
    page.get_by_role("navigation", name="SLA configuration").get_by_role(
        "link", name="Business calendars"
    ).click()
    expect(page.locator("#rows")).to_contain_text("No business calendar yet.")
    assert_accessible(page)
    page.get_by_role("link", name="New calendar").click()

    page.get_by_label("Name").fill("Sydney support")
    page.get_by_label("Time zone").fill("Australia/Sydney")
    page.get_by_label("Public holidays of").fill("AU")
    page.get_by_label("Region").fill("NSW")
    expect(page.get_by_label("Monday")).to_have_value("09:00-17:00")  # office hours to start
    page.get_by_label("Friday").fill("17:00-09:00")  # the wrong way round
    page.get_by_label("Saturday").fill("10:00-14:00")
    page.get_by_label("Closures").fill("2026-12-24 Christmas Eve")
    page.get_by_role("button", name="Add calendar").click()

    friday = page.locator(".field.invalid").filter(has=page.get_by_label("Friday"))
    expect(friday.locator(".error")).to_have_text("end 09:00 must be after start 17:00")
    assert_accessible(page)
    expect(page.get_by_label("Saturday")).to_have_value("10:00-14:00")  # kept what was typed
    page.get_by_label("Friday").fill("09:00-15:00")
    page.get_by_role("button", name="Add calendar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sydney support")
    facts = page.get_by_role("region", name="When the clock runs")
    expect(facts).to_contain_text("Australia/Sydney")
    expect(facts).to_contain_text("Friday09:00-15:00")
    expect(facts).to_contain_text("Saturday10:00-14:00")
    expect(facts).to_contain_text("Sundayclosed")
    assert_accessible(page)
    page.reload()  # the address is the calendar's page, not the form's POST
    expect(page.get_by_role("heading", level=1)).to_have_text("Sydney support")

    page.get_by_role("navigation", name="Modules").get_by_role("link", name="SLA").click()
    page.get_by_role("link", name="New policy").click()
    page.get_by_label("Name").fill("Sydney P1")
    page.get_by_label("Business calendar").select_option(label="Sydney support")
    page.get_by_label("Response target").fill("30")
    page.get_by_label("Resolution target").fill("0")  # no target at all
    page.get_by_label("P1", exact=True).check()
    page.get_by_label("Organisations").fill("acme")
    page.get_by_label("Precedence").fill("5")
    page.get_by_role("button", name="Add policy").click()

    resolution = page.locator(".field.invalid").filter(has=page.get_by_label("Resolution target"))
    organisations = page.locator(".field.invalid").filter(has=page.get_by_label("Organisations"))
    expect(resolution.locator(".error")).to_have_text(
        "a whole number of business minutes, 1 to 1000000"
    )
    expect(organisations.locator(".error")).to_have_text("no organisation acme")  # both at once
    assert_accessible(page)
    expect(page.get_by_label("P1", exact=True)).to_be_checked()  # kept what was ticked
    page.get_by_label("Resolution target").fill("240")
    # the refused name comes back as a chosen chip of the organisations picker: remove it
    page.get_by_role("button", name="Remove acme").click()
    expect(page.get_by_role("button", name="Remove acme")).to_have_count(0)
    page.get_by_role("button", name="Add policy").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sydney P1")
    targets = page.get_by_role("region", name="Targets")
    expect(targets).to_contain_text("30 min of business time")
    expect(targets).to_contain_text("4 h of business time")
    assert_accessible(page)
    expect(targets.get_by_role("link", name="Sydney support")).to_be_visible()
    page.get_by_role("link", name="← SLA policies").click()
    expect(page).to_have_url(re.compile(r"/sla/$"))
    expect(page.locator("#rows")).to_contain_text("Sydney P1")

    calendar = BusinessCalendar.objects.get(name="Sydney support")
    policy = SlaPolicy.objects.get(name="Sydney P1")
    assert (calendar.holiday_country, calendar.holiday_subdivision) == ("AU", "NSW")
    assert calendar.working_hours.count() == 6
    assert (policy.calendar, policy.priorities, policy.precedence) == (calendar, [1], 5)
    assert (policy.response_minutes, policy.resolution_minutes) == (30, 240)


def test_an_agent_reads_the_policies_without_edit_buttons(page):
    factories.agent(username="sam")
    from steward.sla import demo

    demo.load()

    sign_in(page, "sam")
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="SLA").click()
    page.get_by_role("link", name="P1 Critical").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("P1 Critical")
    expect(page.get_by_role("region", name="Targets")).to_contain_text("15 min")
    expect(page.get_by_role("link", name="Edit policy")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Berlin office hours").click()
    expect(page.get_by_role("region", name="When the clock runs")).to_contain_text("Europe/Berlin")
    expect(page.get_by_role("link", name="Edit calendar")).to_have_count(0)
