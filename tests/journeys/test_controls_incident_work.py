"""The incident pages' controls no other journey drives (tests/journeys/controls.py): the
"Work it" panel's Assign, Take, impact and urgency, Resume in queue, Close and Cancel; the
queue's "Close selected (resolved)"; the requester's "Open" tab; and the administrator's
team assignment for every team, a new subcategory made inactive, and an escalation rule
that reassigns to a team, also inactive."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, pick, sign_in, swapped
from tests.journeys.test_administrator import open_administration
from tests.journeys.test_agent import queue_rows

pytestmark = [pytest.mark.browser]

DONE = re.compile(r"Resolved|Closed|Cancelled")


def facts(page, term: str):
    return page.locator(f"dt:text-is('{term}') + dd")


def status(page):
    return page.locator(".toolbar .status")


def incidents(*titles: str, resolved: bool = False) -> list[str]:
    """Setup: open incidents of no team, logged through the product's services for a
    Northwind requester other than alice (her journeys read her own lists); ``resolved``
    resolves them too."""
    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.incidents.services import incident_create, incident_update

    caller = (
        User.objects.filter(groups__name="requester", organisation__slug="northwind")
        .exclude(username="alice")
        .order_by("-username")
        .first()
    )
    system = Actor.system("journey")
    numbers = []
    for title in titles:
        number = incident_create(system, title=title, caller=caller.username).number
        if resolved:
            changes = {
                "status": "resolved",
                "resolution_code": "solved",
                "resolution_notes": "Fixed on the phone.",
            }
            incident_update(system, number=number, expected_version=None, changes=changes)
        numbers.append(number)
    return numbers


def open_incident(page, title: str, number: str, queue: str = "All open") -> None:
    open_module(page, "Incidents")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name=queue).click()
    search = page.get_by_role("searchbox", name="Search")
    search.fill(title)
    search.press("Enter")
    swapped(page)
    queue_rows(page).get_by_role("link", name=number).click()
    heading(page, re.compile(number))


def test_lead_assigns_takes_reprioritises_holds_resumes_and_closes(page):
    first, second = incidents("Meeting room screen stays black", "Meeting room booking shows twice")
    sign_in(page, "lead")
    open_incident(page, "Meeting room screen stays black", first)
    expect(status(page)).to_have_text("New")
    work = page.locator("#work")

    # to his team's queue: the team picked by name, then Assign
    pick(page, work.get_by_label("Team"), "Netw", re.compile("^Network"))
    work.get_by_role("button", name="Assign").click()
    expect(status(page)).to_have_text("Assigned")
    expect(facts(page, "Team / assignee")).to_have_text(re.compile(r"Network / —"))

    # then his own: Take it
    work.get_by_role("button", name="Take it (t)").click()
    expect(status(page)).to_have_text("In progress")
    expect(facts(page, "Team / assignee")).to_have_text(re.compile(r"Network / Lee Lead"))
    expect(work.get_by_role("button", name="Take it (t)")).to_have_count(0)

    # the caller says the whole floor is affected: impact and urgency raised, the priority too
    work.get_by_label("Impact").select_option(label="1 - High")
    work.get_by_label("Urgency").select_option(label="2 - Medium")
    work.get_by_role("button", name="Save").click()
    expect(facts(page, "Impact / urgency")).to_have_text("1 - High / 2 - Medium")
    expect(page.locator(".toolbar .badge.priority-2, .toolbar .priority-2").first).to_be_visible()
    expect(work.get_by_label("Impact")).to_have_value("1")
    expect(work.get_by_label("Urgency")).to_have_value("2")

    # waiting for a vendor, then back to the team's queue
    work.get_by_label("On-hold reason").select_option(label="Awaiting vendor")
    work.get_by_role("button", name="Put on hold").click()
    expect(status(page)).to_have_text("On hold")
    work.get_by_role("button", name="Resume in queue").click()
    expect(status(page)).to_have_text("Assigned")
    # back in the team's queue, nobody's (the defect: still his)
    expect(facts(page, "Team / assignee")).to_have_text(re.compile(r"Network / —"))

    # resolved, then closed
    work.get_by_label("Resolution code").select_option(label="Solved (workaround)")
    work.get_by_label("Resolution notes").fill("The vendor swapped the HDMI switch.")
    work.get_by_role("button", name="Resolve").click()
    expect(status(page)).to_have_text("Resolved")
    work.get_by_role("button", name="Close").click()
    expect(status(page)).to_have_text("Closed")
    expect(work).to_contain_text("Closed: nothing more to do.")

    # a duplicate call: cancelled
    open_incident(page, "Meeting room booking shows twice", second)
    page.locator("#work").get_by_role("button", name="Cancel").click()
    expect(status(page)).to_have_text("Cancelled")
    no_error_on_page(page)


def test_agent_closes_resolved_incidents_from_the_queue(page):
    numbers = incidents("Toner low on printer 4", "Toner low on printer 5", resolved=True)
    sign_in(page, "agent")
    open_module(page, "Incidents")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Everything").click()
    search = page.get_by_role("searchbox", name="Search")
    search.fill("Toner low on printer")
    search.press("Enter")
    swapped(page)
    found = queue_rows(page).filter(has_text="Toner low on printer")
    expect(found).to_have_count(2)
    for number in numbers:
        page.get_by_label(f"Select {number}").check()
    page.get_by_role("button", name="Close selected (resolved)").click()
    expect(page.get_by_role("status")).to_contain_text("2 updated.")
    search = page.get_by_role("searchbox", name="Search")
    search.fill("Toner low on printer")
    search.press("Enter")
    swapped(page)
    for number in numbers:
        expect(queue_rows(page).filter(has_text=number).locator("td:nth-child(5)")).to_have_text(
            "Closed"
        )


def test_requester_reads_only_her_open_incidents(page):
    sign_in(page, "alice")
    open_module(page, "My incidents")
    tabs = page.get_by_role("navigation", name="Queues")
    tabs.get_by_role("link", name="Everything").click()
    everything = queue_rows(page).count()
    tabs.get_by_role("link", name="Open", exact=True).click()
    expect(tabs.get_by_role("link", name="Open", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    no_error_on_page(page)
    shown = queue_rows(page).locator("td:nth-child(4)").all_inner_texts()
    assert shown, "no open incident of hers"
    assert not any(DONE.search(s) for s in shown), shown
    assert len(shown) < everything, (len(shown), everything)


def test_administrator_sets_every_teams_assignment_and_adds_inactive_rules(page):
    sign_in(page, "admin")
    open_administration(page, "Team assignment")
    heading(page, "Team assignment")
    selects = page.locator("#rows select")
    before = [s.input_value() for s in selects.all()]
    assert len(before) >= 8, before  # the demo's teams (and any a journey added)
    # every team to another mode, saved and read back; then each back as it was (other
    # journeys log incidents for these teams)
    modes = ["team", "round_robin", "least_loaded"]
    changed = [modes[(modes.index(value) + 1) % 3] for value in before]
    for select, value in zip(selects.all(), changed, strict=True):
        select.select_option(value)
    page.get_by_role("button", name="Save assignment").click()
    no_error_on_page(page)
    expect(page.locator("#rows select").first).to_have_value(changed[0])
    assert [s.input_value() for s in page.locator("#rows select").all()] == changed
    for select, value in zip(page.locator("#rows select").all(), before, strict=True):
        select.select_option(value)
    page.get_by_role("button", name="Save assignment").click()
    expect(page.locator("#rows select").first).to_have_value(before[0])
    assert [s.input_value() for s in page.locator("#rows select").all()] == before

    # a subcategory of Network, not offered yet
    open_administration(page, "Categories")
    page.get_by_role("link", name="New category").click()
    heading(page, "New category")
    page.get_by_label("Name").fill("Load balancer")
    page.get_by_label("Subcategory of").select_option(label="Network")
    page.get_by_label("Active (offered on new incidents)").uncheck()
    page.get_by_role("button", name="Add category").click()
    heading(page, "Categories")
    row = page.locator("#rows tr.child").filter(has_text="Load balancer")
    expect(row).to_contain_text("(in Network)")
    expect(row.locator("td").nth(2)).to_have_text("Inactive")

    # an escalation rule that hands breaches to Security, switched off for now
    open_administration(page, "Escalation rules")
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Security breaches to the security team")
    page.get_by_label("When the SLA clock reaches").select_option(label="Breach")
    page.get_by_label("Then").select_option(label="Reassign to a team")
    page.get_by_label("Team to reassign to").select_option(label="Security")
    page.get_by_label("Active", exact=True).uncheck()
    page.get_by_role("button", name="Add rule").click()
    heading(page, "Escalation rules")
    rule = page.locator("tr").filter(has_text="Security breaches to the security team")
    expect(rule).to_contain_text("Reassign to a team: Security")
    expect(rule.locator("td").nth(4)).to_have_text("Inactive")
    no_error_on_page(page)
