"""The problem pages' controls no other journey drives (tests/journeys/controls.py), by the
problem manager (lead: Lee Lead, in Service Desk and Network): the list's tabs and filters
from the default state; a new problem with every field filled, then each edited and read
back through its whole life (investigation, known error published and withdrawn, resolved
with the callers told); a known error linked from an incident's panel; a work note, a file;
an incident unlinked from a problem that is then cancelled."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, pick, sign_in, swapped

pytestmark = [pytest.mark.browser]

DONE = re.compile(r"Resolved|Closed|Cancelled")


def rows(page):
    return page.locator("#rows tr").filter(has=page.get_by_role("link", name=re.compile("^PRB")))


def column(page, n: int) -> list[str]:
    return [text.strip() for text in rows(page).locator(f"td:nth-child({n})").all_inner_texts()]


def facts(page, term: str):
    return page.locator(f"dt:text-is('{term}') + dd")


def status(page):
    return page.locator(".toolbar .status")


def an_incident(title: str, service: str) -> str:
    """Setup: an open Network incident on ``service``, logged through the product's service
    for a Northwind requester other than alice (her journeys read her own lists)."""
    from steward.cmdb.models import ConfigurationItem
    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.incidents.services import incident_create

    caller = (
        User.objects.filter(groups__name="requester", organisation__slug="northwind")
        .exclude(username="alice")
        .order_by("-username")
        .first()
    )
    ci = ConfigurationItem.objects.get(name=service)
    incident = incident_create(
        Actor.system("journey"),
        title=title,
        caller=caller.username,
        team="network",
        affected_service=ci.number,
    )
    return incident.number


def caller_of(incident: str) -> str:
    from steward.incidents.models import Incident

    return Incident.objects.select_related("caller").get(number=incident).caller.email


def told_about(problem: str) -> list[str]:
    """Who was mailed that the problem is fixed, once the outbox has been worked."""
    from steward.core import outbox
    from steward.core.models import OutgoingMail

    outbox.dispatch_pending()
    mails = OutgoingMail.objects.filter(kind="problem_fixed", subject__startswith=f"[{problem}] ")
    return list(mails.values_list("recipient", flat=True))


def test_problem_manager_narrows_the_list_by_tab_and_filter(page):
    sign_in(page, "lead")
    open_module(page, "Problems")
    heading(page, "Problems")
    tabs = page.get_by_role("navigation", name="Queues")
    expect(tabs.get_by_role("link", name="All open")).to_have_attribute("aria-current", "page")
    default = column(page, 1)
    for name, check in (
        ("Everything", lambda: any(DONE.search(s) for s in column(page, 4))),
        ("My teams", lambda: {"Network"} <= set(column(page, 6)) <= {"Service Desk", "Network"}),
        ("My work", lambda: set(column(page, 7)) <= {"Lee Lead"}),
        ("All open", lambda: not any(DONE.search(s) for s in column(page, 4))),
    ):
        tabs.get_by_role("link", name=name, exact=True).click()
        expect(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        no_error_on_page(page)
        assert check(), (name, page.locator("#rows").inner_text())
    expect(rows(page)).to_have_count(len(default))

    # each filter from the default state narrows the open problems
    for box, choice, col, shown in (
        ("Status", "Known error", 4, "Known error"),
        ("Priority", "P2", 2, "P2"),
        ("Team", "Network", 6, "Network"),
    ):
        select = page.get_by_role("combobox", name=box)
        expect(select).to_have_value("")
        select.select_option(label=choice)
        swapped(page)
        no_error_on_page(page)
        cells = rows(page).locator(f"td:nth-child({col})")
        expect(cells.filter(has_not_text=shown)).to_have_count(0)
        assert 0 < rows(page).count() < len(default), (box, column(page, col))
        tabs.get_by_role("link", name="All open").click()
        expect(rows(page)).to_have_count(len(default))


def test_problem_manager_fills_every_field_then_edits_each_through_its_life(page):
    incident = an_incident("Intranet search returns nothing", "Intranet")
    sign_in(page, "lead")
    open_module(page, "Problems")
    page.get_by_role("link", name="New problem").click()
    heading(page, "New problem")
    page.get_by_label("Title").fill("Intranet search index goes stale")
    page.get_by_label("Description").fill("Searches miss pages published since the night.")
    page.get_by_label("Category").select_option(label="Software › Business application")
    page.get_by_label("Impact").select_option(label="1 - High")
    page.get_by_label("Urgency").select_option(label="2 - Medium")
    pick(page, page.get_by_label("Affected service"), "Intran", re.compile("Intranet"))
    pick(page, page.get_by_label("Configuration item"), "san-01", re.compile("san-01"))
    page.get_by_label("Team").select_option(label="Network")
    pick(page, page.get_by_label("Assignee"), "Lee", re.compile("^Lee Lead"))
    page.get_by_label("Workaround").fill("Rebuild the index by hand from the admin page.")
    page.get_by_role("button", name="Log problem").click()
    heading(page, re.compile("Intranet search index goes stale"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(facts(page, "Category")).to_have_text("Business application")
    expect(facts(page, "Impact / urgency")).to_have_text("1 - High / 2 - Medium")
    expect(facts(page, "Team / assignee")).to_have_text(re.compile(r"Network / Lee Lead"))
    expect(facts(page, "Service")).to_contain_text("Intranet")
    expect(facts(page, "CI")).to_contain_text("san-01")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Searches miss pages published since the night.")
    expect(main).to_contain_text("Rebuild the index by hand from the admin page.")
    expect(status(page)).to_have_text("New")

    # assigned to him: under "My work"
    page.get_by_role("link", name="← Problems").click()
    tabs = page.get_by_role("navigation", name="Queues")
    tabs.get_by_role("link", name="My work").click()
    expect(rows(page).filter(has_text=number)).to_have_count(1)
    rows(page).get_by_role("link", name=number).click()

    page.get_by_role("button", name="Start investigation").click()
    expect(status(page)).to_have_text("Investigating")
    page.get_by_role("button", name="Publish known error").click()
    expect(status(page)).to_have_text("Known error")

    # the incident on the same service: its panel offers the known error, linked in one click
    open_module(page, "Incidents")
    search = page.get_by_role("searchbox", name="Search")
    search.fill("Intranet search returns")
    search.press("Enter")
    swapped(page)
    page.locator("#rows").get_by_role("link", name=incident).click()
    panel = page.get_by_role("region", name="Problems and known errors")
    offer = panel.locator(".suggestion").filter(has_text=number)
    expect(offer).to_contain_text("matches by service")
    offer.get_by_role("button", name="Link to this problem").click()
    expect(panel).to_contain_text(f"Linked to: {number}")
    expect(offer).to_contain_text("Linked")
    swapped(page)
    panel.get_by_role("link", name=number).first.click()
    heading(page, re.compile(number))
    expect(page.locator("#linked-incidents")).to_contain_text(incident)
    # the defect: the page's incident picker offered the incident already linked; now not
    linking = page.locator("#linked-incidents").get_by_label("Incident")
    linking.press_sequentially(incident)
    offered = page.get_by_role("listbox").filter(visible=True).get_by_role("option")
    expect(offered).to_have_text([f"Nothing matches “{incident}”"])
    linking.fill("")

    # every field of the work form edited, saved and read back
    work = page.locator("#work")
    pick(page, work.get_by_label("Team"), "Service", re.compile("^Service Desk"))
    pick(page, work.get_by_label("Assignee"), "Sam", re.compile("^Sam Desk"))
    work.get_by_label("Impact").select_option(label="2 - Medium")
    work.get_by_label("Urgency").select_option(label="3 - Low")
    work.get_by_label("Workaround").fill("Restart the indexer service; searches recover.")
    work.get_by_label("Root cause").fill("The indexer's nightly job stops at a locked page.")
    work.get_by_role("button", name="Save").click()
    expect(facts(page, "Impact / urgency")).to_have_text("2 - Medium / 3 - Low")
    expect(facts(page, "Team / assignee")).to_have_text(re.compile("Service Desk / Sam Desk"))
    expect(page.get_by_role("heading", name="Root cause")).to_be_visible()
    expect(main).to_contain_text("The indexer's nightly job stops at a locked page.")
    expect(main).to_contain_text("Restart the indexer service; searches recover.")
    expect(work.get_by_label("Team")).to_have_value("Service Desk")
    expect(work.get_by_label("Assignee")).to_have_value("Sam Desk")
    expect(work.get_by_label("Impact")).to_have_value("2")
    expect(work.get_by_label("Urgency")).to_have_value("3")

    # the known error withdrawn (back to investigating), then resolved with the callers told
    page.get_by_role("button", name="Withdraw known error").click()
    expect(status(page)).to_have_text("Investigating")
    work.get_by_label("Resolution notes").fill("Indexer patched to skip locked pages.")
    work.get_by_label(re.compile("Tell the callers")).check()
    work.get_by_role("button", name="Resolve").click()
    expect(status(page)).to_have_text("Resolved")
    expect(page.get_by_role("heading", name="Resolution")).to_be_visible()
    expect(main).to_contain_text("Indexer patched to skip locked pages.")
    expect(facts(page, "Resolved")).to_be_visible()
    no_error_on_page(page)
    # the worker's turn after the page's commit: the incident's caller is told, once
    assert told_about(number) == [caller_of(incident)]

    # reopened (the fix did not hold), resolved again, then closed, asked to tell the callers
    # again: they were told once
    work.get_by_role("button", name="Reopen").click()
    expect(status(page)).to_have_text("Investigating")
    work.get_by_role("button", name="Resolve").click()
    expect(status(page)).to_have_text("Resolved")
    work.get_by_label(re.compile("Tell the callers")).check()
    work.get_by_role("button", name="Close").click()
    expect(status(page)).to_have_text("Closed")
    expect(work).to_contain_text("Closed: nothing more to do.")
    expect(facts(page, "Closed")).to_be_visible()
    assert told_about(number) == [caller_of(incident)]


def test_problem_manager_notes_attaches_unlinks_and_cancels(page):
    incident = an_incident("Intranet pages load slowly", "Intranet")
    sign_in(page, "lead")
    open_module(page, "Problems")
    page.get_by_role("link", name="New problem").click()
    page.get_by_label("Title").fill("Intranet slow after lunch")
    page.get_by_role("button", name="Log problem").click()
    heading(page, re.compile("Intranet slow after lunch"))

    # a work note, internal
    page.get_by_label("Work note", exact=True).fill("Looks like the lunch-time backup window.")
    page.get_by_label("Internal work note").check()
    page.get_by_role("button", name="Post").click()
    note = page.locator(".timeline li").filter(has_text="lunch-time backup window")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Lee Lead · work note")  # internal: not "reply"
    expect(note).to_have_class("note")

    # a file chosen from the desktop
    files = page.get_by_role("region", name="Attachments")
    with page.expect_file_chooser() as chooser:
        files.get_by_label("Files").click()
    chooser.value.set_files(
        {"name": "latency.csv", "mimeType": "text/csv", "buffer": b"time,ms\n12:30,4100\n"}
    )
    files.get_by_role("button", name="Upload").click()
    attached = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(attached.nth(1).get_by_role("cell").nth(0)).to_have_text("latency.csv")
    expect(attached.nth(1).get_by_role("cell").nth(1)).to_have_text("19 bytes")
    swapped(page)

    # an incident linked by name, then unlinked: the list is empty again
    pick(page, page.get_by_role("combobox", name="Incident"), incident, incident)
    page.get_by_role("button", name="Link", exact=True).click()
    linked = page.locator("#linked-incidents")
    expect(linked.get_by_role("heading")).to_have_text("Linked incidents (1)")
    linked.get_by_role("button", name=f"Unlink {incident}").click()
    expect(linked.get_by_role("heading")).to_have_text("Linked incidents (0)")
    expect(linked).to_contain_text("No incidents linked yet.")

    # not a problem after all: cancelled, nothing more to do
    page.get_by_role("button", name="Cancel").click()
    expect(status(page)).to_have_text("Cancelled")
    expect(page.locator("#work")).to_contain_text("Cancelled: nothing more to do.")
    no_error_on_page(page)
