"""The team lead (lead: Lee Lead, leads Service Desk and Network): the teams' workload on the
home page, the breached incidents behind it, the team's members."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, open_module, shot, sign_in

pytestmark = [pytest.mark.browser]


def test_lead_sees_the_workload_and_opens_the_breached_incidents(page):
    sign_in(page, "lead")
    # the defect: there was no view of the team's workload
    workload = page.get_by_role("region", name="Your teams' workload")
    expect(workload.get_by_role("heading", name="Network")).to_be_visible()
    expect(workload.get_by_role("heading", name="Service Desk")).to_be_visible()
    per_assignee = workload.get_by_role("table", name="Open incidents per assignee in Network")
    expect(per_assignee.get_by_role("row").nth(1)).to_be_visible()
    shot(page, "team-lead", "home")

    first_team = workload.get_by_role("heading", level=3).first.inner_text()
    workload.get_by_role("link", name=re.compile("SLA breached")).first.click()
    heading(page, "Incidents")
    rows = page.locator("#rows tr").filter(has=page.get_by_role("link", name=re.compile("^INC")))
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts():
        assert first_team in text, text
        assert "Resolved" not in text, text
    shot(page, "team-lead", "breached")


def test_lead_opens_a_team_and_sees_its_members(page):
    sign_in(page, "lead")
    open_module(page, "Teams")
    heading(page, "Teams")
    page.get_by_role("link", name="Network", exact=True).click()
    heading(page, "Network")
    expect(page.locator("#members")).to_contain_text("Lee Lead")
