"""The change pages' controls no other journey drives (tests/journeys/controls.py): every
field of a new change read back on its page, the moves along its lifecycle, a comment and a
work note, the template tiles and a template with every field, the list's queues, filters
and pager, the calendar's views and feed links, freeze windows searched and added, and a
delegation ended; each from the page's default state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, pick, sign_in, swapped
from tests.journeys.test_change_manager import change_rows

pytestmark = [pytest.mark.browser]


def facts(page, term: str):
    return page.get_by_role("region", name="Details").locator(f"dt:text-is('{term}') + dd")


def move(page, label: str, status: str) -> None:
    """Press a move's button in "Move it on" (one without fields) and see the new status."""
    page.get_by_role("region", name="Move it on").get_by_role("button", name=label).click()
    expect(page.locator("#change-status")).to_have_text(status)
    no_error_on_page(page)


def open_new_change(page) -> None:
    open_module(page, "Changes")
    page.get_by_role("link", name="New change").click()
    heading(page, "New change")


def test_change_manager_fills_every_field_of_a_new_change_and_reads_them_back(page):
    sign_in(page, "cm")
    open_new_change(page)
    page.get_by_label("Type", exact=True).select_option(label="Normal")
    page.get_by_label("Title").fill("Replace the fans of esx-04")
    page.get_by_label("Description").fill("Two fans report a failing bearing.")
    page.get_by_label("Team", exact=True).select_option(label="Server & Storage")
    assignee = page.get_by_role("combobox", name="Assignee")
    pick(page, assignee, "Lead", re.compile("^Lee Lead"))
    expect(assignee).to_have_value("Lee Lead")
    cis = page.get_by_role("combobox", name="Affected CIs")
    chosen = page.locator(".field", has=cis).get_by_role("list", name="Chosen")
    pick(page, cis, "esx-04", re.compile("^esx-04"))
    pick(page, cis, "esx-05", re.compile("^esx-05"))
    chosen.get_by_role("button", name="Remove esx-05").click()
    expect(chosen.get_by_role("listitem")).to_have_text([re.compile("esx-04")])
    page.get_by_label("Planned start").fill("2027-03-10T20:00")
    page.get_by_label("Planned end").fill("2027-03-10T22:30")
    page.get_by_label("Implementation plan").fill("Migrate the VMs off, swap both fans.")
    page.get_by_label("Backout plan").fill("Put the old fans back.")
    page.get_by_label("Test plan").fill("Fan speeds green for an hour.")
    answers = {
        "Does the change need a service outage?": "Partial or degraded service",
        "Has the change been tested in a non-production environment?": "A similar change",
        "How hard is it to back out?": "Easy, minutes",
        "Has the team done this change before?": "Once or twice",
        "How many users are affected while it is made?": "Fewer than 50",
    }
    for question, answer in answers.items():
        page.get_by_label(question).select_option(label=answer)
    # a template with a normal change: refused beside the type (it was dropped silently,
    # raising the change without the template the person chose), nothing typed lost
    template = page.get_by_label("Standard change template")
    template.select_option(label="Monthly OS patching")
    page.get_by_role("button", name="Raise change").click()
    kind = page.locator(".field.invalid", has=page.get_by_label("Type", exact=True))
    expect(kind).to_contain_text("a change from a template is standard")
    expect(page.get_by_label("Description")).to_have_value("Two fans report a failing bearing.")
    expect(page.get_by_role("combobox", name="Assignee")).to_have_value("Lee Lead")
    expect(chosen.get_by_role("listitem")).to_have_text([re.compile("esx-04")])
    template.select_option(label="—")
    page.get_by_role("button", name="Raise change").click()

    heading(page, re.compile("Replace the fans of esx-04"))
    no_error_on_page(page)
    expect(facts(page, "Type")).to_have_text("Normal")
    expect(facts(page, "Team / assignee")).to_have_text("Server & Storage / Lee Lead")
    expect(facts(page, "Planned")).to_have_text("10 Mar 2027 20:00 – 10 Mar 2027 22:30")
    expect(facts(page, "Affected CIs").get_by_role("link")).to_have_text(["esx-04"])
    details = page.get_by_role("region", name="Details")
    expect(details).to_contain_text("Two fans report a failing bearing.")
    plans = page.get_by_role("region", name="Plans")
    for text in ("Migrate the VMs off", "Put the old fans back.", "Fan speeds green"):
        expect(plans).to_contain_text(text)
    risk = page.get_by_role("region", name="Risk")
    for question, answer in answers.items():
        expect(risk.locator(f"dt:text-is('{question}') + dd")).to_have_text(answer)

    # along its lifecycle and back: each button says what it does, the status follows
    move(page, "Submit for assessment", "Assessment")
    move(page, "Back to draft", "Draft")
    move(page, "Submit for assessment", "Assessment")
    move(page, "Request authorisation", "Authorisation")
    move(page, "Back to assessment", "Assessment")
    move(page, "Cancel", "Cancelled")
    expect(page.get_by_role("region", name="Move it on")).to_have_count(0)


def test_administrator_adds_a_template_and_every_tile_starts_its_standard_change(page):
    from steward.changes import services
    from steward.changes.models import ChangeTemplate
    from steward.core.actor import Actor
    from steward.core.models import User

    # the administrator's journey adds "Restart a web node"; the tiles are named per
    # template, so make it present here whichever worker ran that journey
    if not ChangeTemplate.objects.filter(slug="restart-a-web-node").exists():
        services.template_create(
            Actor(user=User.objects.get(username="admin")),
            name="Restart a web node",
            implementation_plan="Drain, restart, check health, re-enable.",
        )
    sign_in(page, "admin")
    open_module(page, "Administration")
    page.get_by_role("main").get_by_role("link", name="Change templates").click()
    heading(page, "Change templates")
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name").fill("Rotate a service password")
    page.get_by_label("Description").fill("A service account's password, from the vault.")
    page.get_by_label("Implementation plan").fill("Generate, store, roll out.")
    page.get_by_label("Backout plan").fill("Restore the previous secret version.")
    page.get_by_label("Test plan").fill("The service signs in.")
    page.get_by_label("Active (offered on new standard changes)").uncheck()
    page.get_by_role("button", name="Add template").click()
    heading(page, "Change templates")
    no_error_on_page(page)
    expect(page.get_by_role("status")).to_contain_text("Rotate a service password")
    row = page.locator("tbody tr", has_text="Rotate a service password")
    expect(row.get_by_role("cell").last).to_have_text("Inactive")

    # an inactive template is not offered; each offered tile fills the form from its template
    open_new_change(page)
    tiles = page.locator("details", has_text="Start a standard change from a template")
    names = [n.strip() for n in tiles.locator("a").all_text_contents()]
    assert "Rotate a service password" not in names
    assert "Restart a web node" in names, names
    for name in names:
        page.locator("details", has_text="Start a standard change").locator("summary").click()
        page.get_by_role("link", name=name, exact=True).click()
        heading(page, "New change")
        expect(page.get_by_label("Title")).to_have_value(name)
        expect(page.get_by_label("Type", exact=True)).to_have_value("standard")
        expect(
            page.get_by_label("Standard change template").locator("option:checked")
        ).to_have_text(name)
    no_error_on_page(page)


def test_change_manager_narrows_the_list_by_queue_risk_and_team_and_pages_on(page):
    sign_in(page, "cm")
    open_module(page, "Changes")
    heading(page, "Changes")
    tabs = page.get_by_role("navigation", name="Queues")
    for name in ("Mine", "My teams", "Awaiting my approval", "All"):
        tabs.get_by_role("link", name=name, exact=True).click()
        expect(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        no_error_on_page(page)

    # All is more than a page: the next one lists other changes
    first = change_rows(page).locator("td:first-child").all_inner_texts()
    pager = page.get_by_role("link", name="Next page")
    pager.click()
    swapped(page)
    expect(change_rows(page).first).not_to_have_text(first[0])
    later = change_rows(page).locator("td:first-child").all_inner_texts()
    assert later, "the next page is empty"
    assert not set(later) & set(first), "the next page repeats rows"
    page.get_by_role("link", name="First page").click()
    expect(change_rows(page).first).to_have_text(re.compile(re.escape(first[0])))
    expect(page.get_by_role("link", name="First page")).to_have_count(0)

    tabs.get_by_role("link", name="All", exact=True).click()
    page.get_by_role("combobox", name="Risk").select_option(label="Very high")
    expect(page).to_have_url(re.compile(r"risk=very_high"))  # the filtered rows are in
    swapped(page)
    no_error_on_page(page)
    expect(change_rows(page).first).to_be_visible()
    for text in change_rows(page).locator("td:nth-child(5)").all_inner_texts():
        assert text.strip() == "Very high risk", text
    page.get_by_role("combobox", name="Risk").select_option(label="Any risk")
    expect(page).not_to_have_url(re.compile(r"risk=very_high"))
    swapped(page)
    # every filter is in the address now, none narrowing: more than a page again, and the
    # pager keeps the filters (its link is this page's own, driven here, not left to the
    # moment the next choice's answer happens to arrive)
    everything = change_rows(page).locator("td:first-child").all_inner_texts()
    page.get_by_role("link", name="Next page").click()
    swapped(page)
    expect(page).to_have_url(re.compile(r"cursor=.*risk=|risk=.*cursor="))
    expect(change_rows(page).first).not_to_have_text(everything[0])
    assert not set(change_rows(page).locator("td:first-child").all_inner_texts()) & set(
        everything
    ), "the next page repeats rows"
    page.get_by_role("link", name="First page").click()
    expect(change_rows(page).first).to_have_text(re.compile(re.escape(everything[0])))
    page.get_by_role("combobox", name="Team").select_option(label="Network")
    expect(page).to_have_url(re.compile(r"risk=&.*team=network|team=network.*risk=(&|$)"))
    swapped(page)
    no_error_on_page(page)
    expect(change_rows(page).first).to_be_visible()
    for text in change_rows(page).locator("td:nth-child(6)").all_inner_texts():
        assert text.strip() == "Network", text


def test_change_manager_reads_the_calendar_by_week_list_and_month_and_gets_feeds(page):
    sign_in(page, "cm")
    open_module(page, "Changes")
    page.get_by_role("link", name="Calendar").click()
    heading(page, "Change calendar")
    # the defect: the status legend left out Draft and Assessment, which the calendar draws
    legend = page.locator(".legend").first
    for state in ("Draft", "Assessment", "Authorisation", "Scheduled", "Failed"):
        expect(legend).to_contain_text(state)
    expect(legend).not_to_contain_text("Cancelled")
    views = page.get_by_role("navigation", name="Calendar views")
    month = page.locator(".cal-nav h2").inner_text()
    views.get_by_role("link", name="Week").click()
    expect(views.get_by_role("link", name="Week")).to_have_attribute("aria-current", "page")
    expect(page.locator(".cal-nav h2")).to_have_text(re.compile("Week|–"))
    views.get_by_role("link", name="List").click()
    expect(views.get_by_role("link", name="List")).to_have_attribute("aria-current", "page")
    listed = page.get_by_role("main").locator("table tbody tr")
    expect(listed.first).to_be_visible()
    views.get_by_role("link", name="Month").click()
    expect(views.get_by_role("link", name="Month")).to_have_attribute("aria-current", "page")
    expect(page.locator(".cal-nav h2")).to_have_text(month)
    page.get_by_role("link", name="← Previous").click()
    expect(page.locator(".cal-nav h2")).not_to_have_text(month)
    page.get_by_role("link", name="Today").click()
    expect(page.locator(".cal-nav h2")).to_have_text(month)

    # a team chosen: only its changes (the list view says whose each is)
    views.get_by_role("link", name="List").click()
    page.get_by_role("combobox", name="Team").select_option(label="Network")
    page.wait_for_load_state("load")
    expect(page.get_by_role("combobox", name="Team")).to_have_value("network")
    for text in listed.locator("td:nth-child(5)").all_inner_texts():
        assert text.strip() == "Network", text
    no_error_on_page(page)
    # the demo's quarter-end freeze on the shop names it (the list read "(CI0000033)"); it
    # starts 18 days from now, in this month or the next
    if (timezone.localdate() + dt.timedelta(days=18)).month != timezone.localdate().month:
        page.get_by_role("link", name="Next →").click()
    expect(page.locator(".flag.frozen", has_text="Quarter-end freeze").first).to_contain_text(
        "Online shop and what depends on it"
    )

    feeds = page.get_by_role("region", name="Subscribe in your calendar app")
    feeds.get_by_role("button", name="Get calendar feed links").click()
    swapped(page)
    expect(feeds.get_by_role("status")).to_contain_text("New feed links")
    expect(feeds.locator("code").first).to_have_text(re.compile(r"^https?://\S+"))
    no_error_on_page(page)


def test_change_manager_opens_a_full_days_list_from_the_month(page):
    """A month cell draws six changes; "+ n more" opens that day's list with all of them.
    The demo has no day that full: nine changes are made for today and removed after."""
    from steward.changes.models import Change
    from steward.core.models import User

    cm = User.objects.get(username="cm")
    noon = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    busy = Change.objects.bulk_create(
        Change(
            number=f"CHG98{i:05d}",
            title=f"Busy day {i}",
            requester=cm,
            status="scheduled",
            planned_start=noon + dt.timedelta(minutes=5 * i),
            planned_end=noon + dt.timedelta(minutes=5 * i + 30),
        )
        for i in range(9)
    )
    try:
        sign_in(page, "cm")
        open_module(page, "Changes")
        page.get_by_role("link", name="Calendar").click()
        heading(page, "Change calendar")
        cell = page.locator("td[data-date]", has_text=busy[0].number)
        expect(cell.locator("a.cal-change")).to_have_count(6)  # the day's first six
        expect(cell.get_by_role("link", name=busy[8].number)).to_have_count(0)
        cell.get_by_role("link", name=re.compile(r"^\+ \d+ more$")).click()
        page.wait_for_load_state("load")
        no_error_on_page(page)
        listed = page.get_by_role("main").locator("table tbody tr")
        for change in busy:
            expect(listed.filter(has_text=change.number)).to_have_count(1)
    finally:
        Change.objects.filter(id__in=[c.id for c in busy]).delete()


def test_change_manager_searches_freeze_windows_and_adds_an_inactive_one(page):
    sign_in(page, "cm")
    open_module(page, "Changes")
    page.get_by_role("link", name="Freeze windows").click()
    heading(page, "Freeze windows")
    page.get_by_role("searchbox", name="Search").fill("quarter")
    swapped(page)
    rows = page.locator("#freezes tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Quarter-end freeze")

    page.get_by_role("link", name="New freeze window").click()
    heading(page, "New freeze window")
    page.get_by_label("Name").fill("Data centre move rehearsal")
    page.get_by_label("Slug").fill("dc-move-rehearsal")
    page.get_by_label("Reason").fill("Nothing moves while the racks are labelled.")
    page.get_by_label("Starts").fill("2027-05-01T00:00")
    page.get_by_label("Ends").fill("2027-05-02T00:00")
    page.get_by_label("Active").uncheck()
    page.get_by_role("button", name="Save").click()
    heading(page, "Freeze windows")
    no_error_on_page(page)
    row = page.locator("tbody tr", has_text="Data centre move rehearsal")
    expect(row).to_contain_text("Nothing moves while the racks are labelled.")
    expect(row).to_contain_text("Global")
    expect(row.get_by_role("cell").nth(4)).to_have_text("inactive")

    # put into force for one service: every field edited, read back in the list
    row.get_by_role("link", name="Edit").click()
    heading(page, re.compile("Data centre move rehearsal"))
    page.get_by_label("Name").fill("Data centre move")
    page.get_by_label("Reason").fill("The racks move to hall B.")
    page.get_by_label("Starts").fill("2027-05-08T00:00")
    page.get_by_label("Ends").fill("2027-05-09T12:00")
    pick(page, page.get_by_role("combobox", name="Service CI"), "payr", re.compile("^Payroll"))
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Save").click()
    heading(page, "Freeze windows")
    no_error_on_page(page)
    row = page.locator("tbody tr", has_text="Data centre move")
    expect(row).to_contain_text("The racks move to hall B.")
    expect(row.get_by_role("cell").nth(1)).to_have_text("8 May 2027 00:00")
    expect(row.get_by_role("cell").nth(2)).to_have_text("9 May 2027 12:00")
    expect(row).to_contain_text("Payroll and what depends on it")
    expect(row.get_by_role("cell").nth(4)).to_have_text("upcoming")


def test_administrator_adds_a_delegation_for_chosen_days_and_ends_it(page):
    sign_in(page, "admin")
    open_module(page, "Administration")
    page.get_by_role("main").get_by_role("link", name="Approval delegations").click()
    heading(page, "Approval delegations")
    page.get_by_role("link", name="New delegation").click()
    pick(page, page.get_by_role("combobox", name="Approver who is away"), "Cara", "Cara Change")
    pick(page, page.get_by_role("combobox", name="Decides instead"), "Lee", "Lee Lead")
    page.get_by_label("First day").fill("2027-07-05")
    page.get_by_label("Last day").fill("2027-07-16")
    page.get_by_role("button", name="Add delegation").click()
    heading(page, "Approval delegations")
    no_error_on_page(page)
    row = page.locator("#rows tr", has_text="5 Jul 2027")
    expect(row).to_contain_text("Cara Change")
    expect(row).to_contain_text("16 Jul 2027")
    expect(row).to_contain_text("Planned")
    row.get_by_role("button", name="End the delegation of Cara Change to Lee Lead").click()
    heading(page, "Approval delegations")
    no_error_on_page(page)
    expect(page.get_by_role("status")).to_have_text(
        "Delegation ended: Cara Change decides their approvals again."
    )
    expect(page.locator("#rows tr", has_text="5 Jul 2027")).to_have_count(0)
