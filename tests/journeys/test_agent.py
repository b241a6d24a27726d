"""The service-desk agent (agent: Sam Desk, in Service Desk): the queue, taking work,
working an incident to resolution."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    drop_file,
    heading,
    no_error_on_page,
    open_module,
    pick,
    shot,
    sign_in,
    swapped,
)

pytestmark = [pytest.mark.browser]


def queue_rows(page):
    return page.locator("#rows tr").filter(has=page.get_by_role("link", name=re.compile("^INC")))


def detail(page, term: str):
    """The value shown beside ``term`` in a record's facts."""
    return page.locator(f"dt:text-is('{term}') + dd")


def test_agent_searches_filters_and_sorts_the_queue_from_its_default_state(page):
    sign_in(page, "agent")
    open_module(page, "Incidents")
    heading(page, "Incidents")
    expect(page.get_by_role("combobox", name="Status")).to_have_value("")  # "Any status"
    expect(queue_rows(page).first).to_be_visible()
    shot(page, "agent", "queue")

    # the defect: a search from the default "Any status" answered "status: unknown status ''"
    # with a second copy of the page inside the table
    search = page.get_by_role("searchbox", name="Search")
    search.fill("password")
    search.press("Enter")
    swapped(page)
    no_error_on_page(page)
    expect(queue_rows(page).first).to_be_visible()
    # the rows are swapped in after the filter bar's short delay: wait until every title shows
    # the search (expect retries), then read them all once more
    titles = queue_rows(page).locator("td:nth-child(4)")
    expect(titles.filter(has_not_text=re.compile("password", re.IGNORECASE))).to_have_count(0)
    for title in titles.all_inner_texts():
        assert "password" in title.lower(), title
    search.fill("")
    search.press("Enter")
    swapped(page)

    for name, label in (
        ("Priority", "P3"),
        ("Team", "Service Desk"),
        ("Status", "Assigned"),
        ("Sort", "Newest first"),
    ):
        page.get_by_role("combobox", name=name).select_option(label=label)
        swapped(page)
        no_error_on_page(page)
    rows = queue_rows(page)
    # `swapped` cannot wait for a swap still in flight (networkidle was reached at the page's
    # load), and the rows before the last choice's answer are the unfiltered ones: wait until
    # no row lacks a choice (expect retries), then read them all once more, exactly
    for chosen in ("P3", "Service Desk", "Assigned"):
        expect(rows.filter(has_not_text=chosen)).to_have_count(0)
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts():
        for chosen in ("P3", "Service Desk", "Assigned"):
            assert chosen in text, text
    page.reload()  # the address keeps the choices
    expect(page.get_by_role("combobox", name="Team")).to_have_value(re.compile("service-desk"))
    expect(queue_rows(page)).to_have_count(rows.count())


def log_incident(
    page, title: str, *, team: str = "—", assignee: str = "", service: str = ""
) -> str:
    """The agent logs a call (the caller is himself) on the "New incident" form; returns the
    new incident's number. Service Desk assigns round robin, so an incident logged for it
    may land on anyone of the team. ``assignee`` (a person's name) and ``service`` are
    typed in part and picked from the suggestions."""
    open_module(page, "Incidents")
    page.get_by_role("link", name="New incident").click()
    heading(page, "New incident")
    # the defects: the form opened with nothing focused, and Enter in the title logged the
    # bare title at once (the caller, left empty, became the agent unseen)
    expect(page.get_by_label("Title")).to_be_focused()
    expect(page.get_by_role("combobox", name="Caller")).to_have_value("Sam Desk")
    page.evaluate("window.stayed = true")  # a page that sends the form forgets it
    page.keyboard.type(title)
    page.keyboard.press("Enter")
    page.get_by_label("Description").fill("Logged from a phone call.")
    subcategory = page.get_by_label("Subcategory")
    expect(subcategory.locator("option")).to_have_count(1)  # nothing until a category
    category = page.get_by_label("Category", exact=True)
    category.focus()  # chosen with the keyboard, as the narrowing must allow
    category.press("ArrowDown")
    expect(category.locator("option:checked")).to_have_text("Access")
    swapped(page)
    # the defect: the agent's form listed every category's subcategories ("Network › VPN"),
    # the requester's narrowed them; both now share one narrowing
    expect(subcategory.locator("option", has_text="Account locked")).to_have_count(1)
    expect(subcategory.locator("option", has_text="VPN")).to_have_count(0)
    subcategory.focus()
    page.keyboard.press("ArrowDown")
    expect(subcategory.locator("option:checked")).to_have_text("Account locked")
    page.get_by_label("Urgency").select_option(label="2 - Medium")
    expect(page.get_by_role("status")).to_have_text("P4")  # impact × urgency, as she types
    page.get_by_label("Team").select_option(label=team)
    if service:
        pick(page, page.get_by_label("Affected service"), service[:6], re.compile(f"^{service}"))
    if assignee:
        pick(page, page.get_by_label("Assignee"), assignee.split()[-1], re.compile(f"^{assignee}"))
    assert page.evaluate("window.stayed === true")  # Enter in the title sent nothing
    page.get_by_role("button", name="Log incident").click()
    heading(page, re.compile(re.escape(title)))
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def find_in_queue(page, queue: str, text: str):
    open_module(page, "Incidents")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name=queue).click()
    page.get_by_role("searchbox", name="Search").fill(text)
    page.get_by_role("searchbox", name="Search").press("Enter")
    swapped(page)
    return queue_rows(page).filter(has_text=text)


def test_agent_takes_an_incident_and_its_team_stays(page):
    sign_in(page, "agent")
    open_module(page, "Incidents")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Unassigned").click()
    page.get_by_role("combobox", name="Team").select_option(label="Service Desk")
    swapped(page)
    row = queue_rows(page).first
    number = row.get_by_role("link", name=re.compile("^INC")).inner_text()
    shot(page, "agent", "unassigned")
    row.get_by_role("button", name="Take").click()
    page.wait_for_load_state("load")

    # taken: on the record at its work panel, with the focus there (the page's top before),
    # its way back the queue she took it from
    back = r"\?back=queue%3Dunassigned%26order%3Dpriority%26team%3Dservice-desk"
    expect(page).to_have_url(re.compile(rf"/incidents/{number}/{back}#work$"))
    expect(page.locator("#work")).to_be_focused()
    # the defect: "Take" removed the incident's team (audit: team: Server & Storage → —)
    expect(detail(page, "Team / assignee")).to_have_text("Service Desk / Sam Desk")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Sam Desk")
    # the timeline speaks words: no raw field names, usernames or ISO timestamps
    expect(timeline).not_to_contain_text(re.compile(r"assignee:|_at:|→ agent\b"))
    expect(timeline).not_to_contain_text(re.compile(r"\d{4}-\d\d-\d\dT\d\d:"))
    # the SLA says it counts business time and when it is due (the defect: "3d 17h" alone)
    expect(detail(page, "SLA resolution")).to_contain_text("business time")
    expect(detail(page, "SLA resolution").locator("time")).to_be_visible()
    dates_in_house_style(page)
    shot(page, "agent", "taken")

    from steward.core.models import OutgoingMail

    # the defect: taking an incident mailed "Assigned to you" to the agent who took it
    mailed = OutgoingMail.objects.filter(recipient="agent@example.com", subject__contains=number)
    assert not mailed.exists(), list(mailed.values_list("subject", flat=True))

    # waiting for the caller: on hold with a reason, then resumed, then handed back
    work = page.locator("#work")
    work.get_by_label("On-hold reason").select_option(label="Awaiting caller")
    work.get_by_role("button", name="Put on hold").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator(".toolbar")).to_contain_text("On hold")
    expect(detail(page, "On hold")).to_have_text("Awaiting caller")
    work.get_by_role("button", name="Resume", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator(".toolbar")).to_contain_text("In progress")
    work.get_by_role("button", name="Hand back").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.locator(".toolbar")).to_contain_text("Assigned")
    # the defect: handed back to the queue, it stayed his (the queue lists it as nobody's)
    expect(detail(page, "Team / assignee")).to_have_text("Service Desk / —")
    latest = timeline.locator("li.audit").first.locator(".change")
    expect(latest.filter(has_text="Assignee:")).to_have_text("Assignee: Sam Desk → —")
    open_module(page, "Incidents")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Unassigned").click()
    search = page.get_by_role("searchbox", name="Search")
    search.fill(number)
    search.press("Enter")
    swapped(page)
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).first.get_by_role("button", name="Take")).to_be_visible()


def test_agent_assigns_selected_rows_to_himself_only_where_he_may(page):
    sign_in(page, "agent")
    # another team's unassigned incident: no Take offered, and the bulk action agrees
    open_module(page, "Incidents")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Unassigned").click()
    page.get_by_role("combobox", name="Team").select_option(label="Server & Storage")
    swapped(page)
    other = queue_rows(page).first
    expect(other.get_by_role("button", name="Take")).to_have_count(0)
    # the defect: the row had a tick box, and "Assign selected to me" then refused it; now
    # the row says why it has none, and a page of such rows offers nothing to select
    expect(other.get_by_role("checkbox")).to_have_count(0)
    expect(other).to_contain_text("Not assignable to you")
    expect(page.get_by_role("checkbox", name="Select all on this page")).to_have_count(0)

    number = log_incident(page, "Shared drive S: not mapped after login")  # no team yet
    row = find_in_queue(page, "Unassigned", "Shared drive S: not mapped")
    expect(queue_rows(page)).to_have_count(1)
    # the page's rows at once, from the keyboard (there was no select-all)
    page.get_by_role("checkbox", name="Select all on this page").focus()
    page.keyboard.press("Space")
    expect(row.get_by_role("checkbox", name=f"Select {number}")).to_be_checked()
    page.get_by_role("button", name="Assign selected to me").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    mine = find_in_queue(page, "My work", "Shared drive S: not mapped")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Sam Desk")


def test_agent_works_an_incident_to_resolution_and_a_refused_save_reloads_safely(page):
    sign_in(page, "agent")
    number = log_incident(
        page, "Cannot sign in to the expense tool", assignee="Sam Desk", service="Online shop"
    )
    expect(page.get_by_role("heading", name="Work it")).to_be_visible()
    # both picked by name on the form: the record names them
    expect(detail(page, "Team / assignee")).to_contain_text("Sam Desk")
    expect(detail(page, "Service / CI")).to_contain_text("Online shop")

    # the defect: no file could be attached from the web UI (API only)
    files = page.get_by_role("region", name="Attachments")
    expect(files).to_contain_text("No files attached yet.")
    with page.expect_file_chooser() as chooser:
        files.get_by_label("Files").click()
    chooser.value.set_files(
        [
            {"name": "screenshot.txt", "mimeType": "text/plain", "buffer": b"Access denied\n"},
            {"name": "browser log.txt", "mimeType": "text/plain", "buffer": b"401 " * 600},
        ]
    )
    files.get_by_role("button", name="Upload").click()
    rows = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two files
    expect(rows.nth(1).get_by_role("cell").nth(0)).to_have_text("screenshot.txt")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("14 bytes")
    expect(rows.nth(2).get_by_role("cell").nth(1)).to_have_text("2.3 KB")
    swapped(page)
    files.scroll_into_view_if_needed()
    shot(page, "agent", "attachments")
    with page.expect_download() as download:
        rows.nth(1).get_by_role("link", name="screenshot.txt").click()
    assert download.value.suggested_filename == "screenshot.txt"
    assert Path(download.value.path()).read_bytes() == b"Access denied\n"

    # a problem behind it: the Problems module from the navigation, linked to the incident
    open_module(page, "Problems")
    heading(page, "Problems")
    page.get_by_role("link", name="New problem").click()
    heading(page, "New problem")
    page.get_by_label("Title").fill("Expense tool rejects valid passwords")
    page.get_by_role("button", name="Log problem").click()
    heading(page, re.compile("Expense tool rejects valid passwords"))
    problem = page.url.rstrip("/").rsplit("/", 1)[-1]
    # a file dragged from the desktop onto the problem's attachments (drag and drop)
    files = page.get_by_role("region", name="Attachments")
    drop_file(page, files.locator("form"), "error.log", "401 Unauthorized at 09:12\n")
    expect(files).to_contain_text("Chosen: error.log (26 bytes)")
    files.get_by_role("button", name="Upload").click()
    rows = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the dropped file
    expect(rows.nth(1).get_by_role("cell").nth(0)).to_have_text("error.log")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("26 bytes")
    swapped(page)
    pick(page, page.get_by_role("combobox", name="Incident"), number, number)
    page.get_by_role("button", name="Link", exact=True).click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    linked = page.locator("#linked-incidents")
    expect(linked).to_contain_text("Cannot sign in to the expense tool")
    shot(page, "agent", "problem")
    linked.get_by_role("link", name=number).click()
    heading(page, re.compile("Cannot sign in to the expense tool"))
    panel = page.get_by_role("region", name="Problems and known errors")
    expect(panel).to_contain_text(f"Linked to: {problem}")

    # a refused save shows why on the record's own address; a reload is safe (not a 405)
    page.get_by_label("Team").fill("no-such-team")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#work .error")).not_to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/incidents/{number}/$"))
    swapped(page)
    page.reload()
    expect(page.locator("#work .error")).to_have_count(0)

    status = page.locator(".toolbar .status")
    page.get_by_role("button", name="Start work").click()
    expect(status).to_have_text("In progress")
    page.get_by_label("Reply or work note").fill("Reset the password, asked the caller to try.")
    page.get_by_label("Internal work note (not shown to the caller)").check()
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".timeline li.note")).to_contain_text("Reset the password")
    page.get_by_label("Resolution code").select_option(label="Solved (permanently)")
    page.get_by_label("Resolution notes").fill("Password reset; the caller signed in.")
    shot(page, "agent", "resolve")
    page.get_by_role("button", name="Resolve").click()
    expect(status).to_have_text("Resolved")
    swapped(page)


def test_agent_finds_as_many_incidents_in_each_queue_as_his_home_page_counts(page):
    sign_in(page, "agent")
    counters = page.get_by_role("region", name="Incident queues")
    for label in ("unassigned", "major incidents?", "in my teams' queues"):
        open_module(page, "Overview")
        counter = counters.get_by_role("link", name=re.compile(f"{label}$"))
        counted = int(counter.locator("strong").inner_text())
        assert counted <= 50, (label, counted)  # the queue's first page shows them all
        counter.click()
        heading(page, "Incidents")
        no_error_on_page(page)
        # the defect: the counters counted an incident once per member of its team (the
        # "my teams" count joined the members): 50 unassigned on the home page, 11 in the queue
        expect(queue_rows(page)).to_have_count(counted)


def test_agent_resolving_by_keyboard_lands_on_what_is_missing(page):
    """A phone call worked with the keyboard alone: a Resolve refused for want of a code put
    the focus on the page's body (the swapped form's button was gone), so the agent began
    again at the top of the page; it now lands on the field the answer names."""
    sign_in(page, "agent")
    number = log_incident(page, "Scanner on floor 2 stays offline", assignee="Sam Desk")
    keyboard = page.keyboard
    page.get_by_label("Resolution notes").focus()
    keyboard.type("Power-cycled the scanner; it is back online.")
    page.get_by_role("button", name="Resolve").focus()
    keyboard.press("Enter")
    code = page.get_by_label("Resolution code")
    expect(code).to_be_focused()
    expect(page.locator("#work .error")).not_to_have_count(0)
    swapped(page)
    expect(page.get_by_label("Resolution notes")).to_have_value(
        "Power-cycled the scanner; it is back online."
    )
    keyboard.press("ArrowDown")  # the first code: Solved (permanently)
    expect(code.locator("option:checked")).to_have_text("Solved (permanently)")
    page.get_by_role("button", name="Resolve").focus()
    keyboard.press("Enter")
    expect(page.locator(".toolbar .status")).to_have_text("Resolved")
    # the defect: the saved page came back with the focus at its top
    expect(page).to_have_url(re.compile(rf"/incidents/{number}/#work$"))
    expect(page.locator("#work")).to_be_focused()
