"""The administrator (admin: Ada Admin): SLA policies and business calendars on the web (the
defect: read-only in the Django admin, a 403 for a new calendar), teams, and the rest of the
desk's configuration from Administration: people (invited, given roles, deactivated),
categories, the priority matrix, mailboxes."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import holidays
import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    open_module,
    pick,
    shot,
    sign_in,
    slow_network,
    swapped,
)

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


def open_administration(page, link: str) -> None:
    open_module(page, "Administration")
    heading(page, "Administration")
    page.get_by_role("main").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("load")


def test_administrator_creates_a_team_invites_an_agent_and_configures_the_desk(page):
    sign_in(page, "admin")
    open_module(page, "Teams")
    page.get_by_text("New team").click()
    page.get_by_label("Name").fill("Field Services")
    page.get_by_label("Description").fill("On-site visits")
    page.get_by_role("button", name="Create team").click()
    heading(page, "Field Services")
    # a member picked by name; the defect: the team's history showed raw stored values
    agent = page.get_by_role("combobox", name="Agent")
    pick(page, agent, "Desk", re.compile("^Sam Desk"))
    # added, and the next agent's name typed at once over the first, while the add's answer
    # is on its way (the defect: the answer's new box ate the first letters, and "wal"
    # starts no one's name: the picker offered nothing); an agent no journey signs in as
    # The settle is held open 6 s (htmx's default is 20 ms) so that a letter is typed
    # between the swap and the settle every time: a loaded machine did that by chance, and
    # the letter was lost (the kept text was put back at the settle, over it). 1.5 s was
    # missed at load 18: the swap had settled before the step below looked for it.
    page.evaluate("htmx.config.defaultSettleDelay = 6000")
    slow_network(page, 700)
    with page.expect_response(lambda r: r.request.method == "POST" and "/members" in r.url):
        page.get_by_role("button", name="Add", exact=True).click()
        agent.select_text()
        # typed well inside the answer's 700 ms: the swap must carry all of it (typing that
        # straddled the answer's arrival made the step race the swap on a loaded machine)
        agent.press_sequentially("Kowa", delay=40)
    slow_network(page, 0)
    page.locator("#members.htmx-settling").wait_for()  # swapped, not yet settled
    agent.press("l")
    page.evaluate("htmx.config.defaultSettleDelay = 20")
    expect(page.locator("#members li").filter(has_text="Sam Desk")).to_have_count(1)
    expect(agent).to_be_focused()
    expect(agent).to_have_value("Kowal")
    suggestions = page.get_by_role("listbox").filter(visible=True).get_by_role("option")
    expect(suggestions.filter(has_text="Daniel Kowalski")).to_have_count(1)
    swapped(page)
    agent.press("ArrowDown")
    agent.press("Enter")
    expect(agent).to_have_value(re.compile("^Daniel Kowalski"))
    # added with Enter, the keyboard's way; the reload below must not cancel the add: wait
    # for its answer, not for a row the open suggestions could stand in for
    with page.expect_response(lambda r: r.request.method == "POST" and "/members" in r.url):
        agent.press("Enter")
    expect(page.locator("#members li").filter(has_text="Daniel Kowalski")).to_have_count(1)
    expect(page.locator("#members h2")).to_have_text("Members · 2")
    swapped(page)
    page.reload()
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Members: — → Sam Desk")
    expect(history).to_contain_text("Daniel Kowalski")
    expect(history).not_to_contain_text(re.compile(r"\d{4}-\d\d-\d\d|members:"))
    dates_in_house_style(page)
    # he was added for the picker's sake: taken off again by his own "Remove" (a control of
    # this page no other journey meets, as no other journey adds him)
    page.get_by_role("button", name="Remove Daniel Kowalski", exact=True).click()
    expect(page.locator("#members li").filter(has_text="Daniel Kowalski")).to_have_count(0)
    expect(page.locator("#members h2")).to_have_text("Members · 1")
    swapped(page)

    # the new team's incidents go to its less busy member: its own row on Team assignment
    open_administration(page, "Team assignment")
    heading(page, "Team assignment")
    mode = page.get_by_role("combobox", name="How Field Services assigns new incidents")
    expect(mode).to_have_value("team")  # a new team's incidents wait in its queue
    mode.select_option(label="Least loaded")
    page.get_by_role("button", name="Save assignment").click()
    expect(page.get_by_role("status")).to_have_text("Assignment saved for Field Services.")
    expect(mode).to_have_value("least_loaded")
    no_error_on_page(page)

    # the defect: users were managed only in the Django admin
    open_administration(page, "Users")
    heading(page, "Users")
    page.get_by_role("link", name="New user").click()
    heading(page, "New user")
    expect(page.get_by_label("Email an invitation to choose a password")).to_be_checked()
    page.get_by_label("Username").fill("fiona")
    page.get_by_label("First name").fill("Fiona")
    page.get_by_label("Last name").fill("Fieldwork")
    page.get_by_label("Email address").fill("fiona@example.com")
    page.get_by_label("Requester").uncheck()
    page.get_by_label("Agent", exact=True).check()
    page.get_by_label("Field Services").check()
    shot(page, "administrator", "new-user")
    page.get_by_role("button", name="Add user").click()
    heading(page, "Fiona Fieldwork")
    expect(page.get_by_role("status")).to_have_text(
        "Fiona Fieldwork was added; an invitation went to fiona@example.com."
    )
    page.get_by_role("link", name="← Users").click()
    page.get_by_label("Search").fill("fieldwork")
    rows = page.locator("#rows")
    expect(rows).to_contain_text("Fiona Fieldwork")
    swapped(page)
    rows.get_by_role("link", name="Fiona Fieldwork").click()
    heading(page, "Fiona Fieldwork")
    page.get_by_label("Team lead").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Saved Fiona Fieldwork.")
    expect(page.get_by_label("Team lead")).to_be_checked()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("Fiona Fieldwork is deactivated")
    expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
    no_error_on_page(page)

    open_administration(page, "Categories")
    heading(page, "Categories")
    page.get_by_role("link", name="Add subcategory to Hardware").click()
    expect(page.get_by_label("Subcategory of")).to_have_value("hardware")
    page.get_by_label("Name").fill("Docking station")
    page.get_by_label("Default team").select_option(label="Field Services")
    page.get_by_role("button", name="Add category").click()
    expect(page.get_by_role("status")).to_have_text("Category “Docking station” added.")
    expect(page.get_by_role("link", name="Docking station")).to_be_visible()

    open_administration(page, "Priority matrix")
    heading(page, "Priority matrix")
    cell = page.get_by_label("Priority for impact 3 - Low, urgency 3 - Low")
    expect(cell).to_have_value("5")
    cell.select_option(label="4 - Low")
    page.get_by_role("button", name="Save matrix").click()
    expect(page.get_by_role("status")).to_have_text("Priority matrix saved (1 cells changed).")
    expect(page.get_by_label("Priority for impact 3 - Low, urgency 3 - Low")).to_have_value("4")
    no_error_on_page(page)

    open_administration(page, "Mailboxes")
    heading(page, "Mailboxes")
    expect(page.locator("#rows")).to_contain_text("servicedesk@example.com")
    modules = page.get_by_role("navigation", name="Modules")
    expect(modules.get_by_role("link", name="Administration")).to_have_attribute(
        "aria-current", "page"
    )


def test_administrator_sets_escalation_assignment_templates_and_delegations(page):
    sign_in(page, "admin")
    open_administration(page, "Escalation rules")
    heading(page, "Escalation rules")
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("P1 breach to the major incident team")
    page.get_by_label("When the SLA clock reaches").select_option(label="Breach")
    page.get_by_label("P1", exact=True).check()
    page.get_by_label("Then").select_option(label="Email an address (e.g. a manager)")
    page.get_by_role("button", name="Add rule").click()  # no address: says so beside it
    expect(page.locator(".field.invalid").first).to_contain_text("Address to email")
    page.get_by_label("Address to email").fill("duty-manager@example.com")
    page.get_by_role("button", name="Add rule").click()
    heading(page, "Escalation rules")
    no_error_on_page(page)
    expect(page.get_by_role("link", name="P1 breach to the major incident team")).to_be_visible()

    open_administration(page, "Team assignment")
    heading(page, "Team assignment")
    row = page.locator("#rows tr", has_text="Service Desk").first
    row.get_by_role("combobox").select_option(label="Round-robin")
    page.get_by_role("button", name="Save assignment").click()
    no_error_on_page(page)
    expect(
        page.locator("#rows tr", has_text="Service Desk").first.get_by_role("combobox")
    ).to_have_value("round_robin")

    open_administration(page, "Change templates")
    heading(page, "Change templates")
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name").fill("Restart a web node")
    page.get_by_label("Implementation plan").fill("Drain, restart, check health, re-enable.")
    page.get_by_role("button", name="Add template").click()
    heading(page, "Change templates")
    expect(page.get_by_role("status")).to_contain_text("Restart a web node")
    expect(page.get_by_role("link", name="Restart a web node")).to_be_visible()

    # the defect: delegations asked for usernames; both people are picked by name
    open_administration(page, "Approval delegations")
    heading(page, "Approval delegations")
    page.get_by_role("link", name="New delegation").click()
    pick(page, page.get_by_role("combobox", name="Approver who is away"), "Cara", "Cara Change")
    pick(page, page.get_by_role("combobox", name="Decides instead"), "Lee", "Lee Lead")
    shot(page, "administrator", "delegation")
    page.get_by_role("button", name="Add delegation").click()
    heading(page, "Approval delegations")
    no_error_on_page(page)
    expect(page.get_by_role("main")).to_contain_text("Cara Change")
    expect(page.get_by_role("main")).to_contain_text("Lee Lead")


def _weekday_calendar(today: dt.date) -> tuple[dt.date, dt.date]:
    """The depot works one weekday only, two days from today (never today or tomorrow: its
    window has not begun when the journey runs); the first such day is closed. Returns
    (closed day, the day a one-hour target falls due: the next such day that is neither
    closed nor an English public holiday)."""
    closed = today + dt.timedelta(days=2)
    due = closed + dt.timedelta(days=7)
    english = holidays.country_holidays("GB", subdiv="ENG", years=[due.year, due.year + 1])
    while due in english:
        due += dt.timedelta(days=7)
    return closed, due


def test_administrator_builds_a_calendar_and_policy_an_incident_then_uses(page):
    """A calendar with hours, public holidays and a closure, a policy on it with an
    escalation rule, all from the web pages; a new incident's SLA counts on that calendar."""
    london = zoneinfo.ZoneInfo("Europe/London")
    closed, due = _weekday_calendar(dt.datetime.now(london).date())
    weekday = closed.strftime("%A")

    sign_in(page, "admin")
    open_module(page, "SLA")
    page.get_by_role("navigation", name="SLA configuration").get_by_role(
        "link", name="Business calendars"
    ).click()
    heading(page, "Business calendars")
    page.get_by_role("link", name="New calendar").click()
    heading(page, "New business calendar")
    page.get_by_label("Name").fill("Harbour depot hours")
    page.get_by_label("Time zone").fill("Europe/London")
    page.get_by_label("Public holidays of").fill("GB")
    page.get_by_label("Region").fill("ENG")
    # the form starts with office hours Monday to Friday: the depot works one day only
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        page.get_by_label(day, exact=True).fill("10:00-11:00" if day == weekday else "")
    page.get_by_label("Closures").fill(f"{closed.isoformat()} Depot stocktake")
    shot(page, "administrator", "calendar-hours")
    page.get_by_role("button", name="Add calendar").click()
    heading(page, "Harbour depot hours")
    no_error_on_page(page)
    facts = page.get_by_role("region", name="When the clock runs")
    expect(facts).to_contain_text("Europe/London")
    expect(facts).to_contain_text("GB (ENG)")
    expect(facts.locator(f"dt:text-is('{weekday}') + dd")).to_have_text("10:00-11:00")
    expect(page.get_by_role("region", name="Closures")).to_contain_text("Depot stocktake")

    page.get_by_role("link", name="← Business calendars").click()
    page.get_by_role("navigation", name="SLA configuration").get_by_role(
        "link", name="Policies"
    ).click()
    heading(page, "SLA policies")
    page.get_by_role("link", name="New policy").click()
    heading(page, "New SLA policy")
    page.get_by_label("Name").fill("Harbour depot monitors")
    page.get_by_label("Business calendar").select_option(label="Harbour depot hours")
    page.get_by_label("Response target").fill("30")
    page.get_by_label("Resolution target").fill("60")
    page.get_by_label("Warn at").fill("50")
    pick(page, page.get_by_role("combobox", name="Categories"), "Monit", "Monitor")
    page.get_by_label("Precedence").fill("1")
    shot(page, "administrator", "new-policy")
    page.get_by_role("button", name="Add policy").click()
    heading(page, "Harbour depot monitors")
    no_error_on_page(page)
    targets = page.get_by_role("region", name="Targets")
    expect(targets.get_by_role("link", name="Harbour depot hours")).to_be_visible()
    expect(targets).to_contain_text("1 h of business time")
    expect(page.get_by_role("region", name="Applies to")).to_contain_text("Monitor")

    # an escalation rule for when such clocks near their target
    open_administration(page, "Escalation rules")
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Depot monitors: tell the depot lead")
    page.get_by_label("When the SLA clock reaches").select_option(
        label="Warning (before the target)"
    )
    page.get_by_label("Of the target").select_option(label="Resolution")
    page.get_by_label("Then").select_option(label="Email an address (e.g. a manager)")
    page.get_by_label("Address to email").fill("depot-lead@example.com")
    page.get_by_role("button", name="Add rule").click()
    heading(page, "Escalation rules")
    no_error_on_page(page)
    expect(page.get_by_role("link", name="Depot monitors: tell the depot lead")).to_be_visible()

    # a monitor incident logged now is due on the depot's calendar: past the closure
    open_module(page, "Incidents")
    page.get_by_role("link", name="New incident").click()
    heading(page, "New incident")
    page.get_by_label("Title").fill("Depot monitor flickers")
    page.get_by_label("Description").fill("The stock screen flickers.")
    page.get_by_label("Category", exact=True).select_option(label="Hardware")
    swapped(page)  # the subcategories narrowed to Hardware's
    page.get_by_label("Subcategory").select_option(label="Monitor")
    page.get_by_role("button", name="Log incident").click()
    heading(page, re.compile("Depot monitor flickers"))
    no_error_on_page(page)
    badge = page.locator("dt:text-is('SLA resolution') + dd")
    expect(badge).to_contain_text("Harbour depot monitors")
    expect(badge).to_contain_text("business time")
    shown = dt.datetime.fromisoformat(badge.locator("time").get_attribute("datetime"))
    assert shown == dt.datetime.combine(due, dt.time(11, 0), tzinfo=london), shown
    shot(page, "administrator", "incident-sla")


def mailed_link(recipient: str, subject: str) -> str:
    """The link in the newest mail to ``recipient`` with ``subject``: what the person clicks
    in their mail client."""
    from steward.core.models import OutgoingMail

    body = OutgoingMail.objects.filter(recipient=recipient, subject=subject).latest("pk").body
    return re.search(r"https?://\S+", body).group(0)


def test_a_new_person_sets_a_password_then_resets_it_by_email_once(page):
    sign_in(page, "admin")
    open_administration(page, "Users")
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Username").fill("pavel")
    page.get_by_label("First name").fill("Pavel")
    page.get_by_label("Last name").fill("Petrov")
    page.get_by_label("Email address").fill("pavel@example.com")
    page.get_by_role("button", name="Add user").click()
    heading(page, "Pavel Petrov")
    page.get_by_role("button", name="Sign out").click()

    # the invitation's link: he chooses his password and signs in with it
    page.goto(mailed_link("pavel@example.com", "Welcome to Steward"))
    heading(page, "Choose a new password")
    page.get_by_label("New password", exact=True).fill("first-Harbour-lamp-7")
    page.get_by_label("New password confirmation").fill("first-Harbour-lamp-7")
    page.get_by_role("button", name="Set password").click()
    heading(page, "Your password is changed")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("pavel")
    page.get_by_label("Password").fill("first-Harbour-lamp-7")
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    page.get_by_role("button", name="Sign out").click()

    # the defect: there was no password reset; now a mailed link that works once
    page.get_by_role("link", name="Forgot your password?").click()
    heading(page, "Forgot your password?")
    page.get_by_label("Email address").fill("pavel@example.com")
    page.get_by_role("button", name="Mail me a link").click()
    heading(page, "Check your mail")
    link = mailed_link("pavel@example.com", "Reset your Steward password")
    page.goto(link)
    heading(page, "Choose a new password")
    page.get_by_label("New password", exact=True).fill("second-Quay-lantern-9")
    page.get_by_label("New password confirmation").fill("second-Quay-lantern-9")
    page.get_by_role("button", name="Set password").click()
    heading(page, "Your password is changed")
    page.goto(link)  # the same link again: used
    heading(page, "This link no longer works")
    expect(page.get_by_role("link", name="Mail me a new link")).to_be_visible()
    page.goto("/")  # he types the site's address again and signs in with the new password
    page.get_by_label("Username").fill("pavel")
    page.get_by_label("Password").fill("second-Quay-lantern-9")
    page.get_by_role("button", name="Sign in").click()
    heading(page, "Help centre")


def test_administrator_adds_a_ci_class_whose_attribute_rows_are_named(page):
    sign_in(page, "admin")
    open_module(page, "CMDB")
    page.get_by_role("link", name="Classes").click()
    heading(page, "CI classes")
    # the defect: every box of the attribute rows had no name (axe-core: label, select-name,
    # critical), so a screen reader read "edit text, blank" six times a row; the page's
    # check (watch.py) fails the journey on it
    page.get_by_role("link", name="New class").click()
    heading(page, "New CI class")
    page.get_by_label("Name", exact=True).fill("Printer")
    page.get_by_label("Slug").fill("printer")
    page.get_by_role("textbox", name="Name of attribute 1").fill("toner_model")
    page.get_by_role("combobox", name="Type of attribute 1").select_option(label="Text")
    page.get_by_role("checkbox", name="Required, attribute 1").check()
    page.get_by_role("button", name="Create class").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    heading(page, re.compile("Printer"))
    expect(page.get_by_role("textbox", name="Name of attribute 1")).to_have_value("toner_model")
