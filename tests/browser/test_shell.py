"""The web shell in a real browser: signing in, and managing a team through htmx."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.core.models import AuditEntry, Team
from steward.web.navigation import MODULES
from tests import factories
from tests.browser.accessibility import assert_accessible

# live_server answers from another thread, so the data must be committed: transaction=True.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password


def sign_in(page, username: str, *, path: str = "/") -> None:
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A person acts once the page has loaded; a test that acts earlier races htmx's setup
    # (a change before htmx has bound the filter form sends nothing).
    expect(page).not_to_have_url(re.compile(r"/login/"))
    page.wait_for_load_state("load")


def test_agent_signs_in_and_sees_the_overview(page):
    factories.agent(username="ada", first_name="Ada", last_name="Lovelace")

    sign_in(page, "ada")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Ada")
    nav = page.get_by_role("navigation", name="Modules")
    expect(nav.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Teams")).to_be_visible()
    for module in (m for m in MODULES if m.shown_to(is_agent=True)):
        entry = nav.get_by_text(str(module.label), exact=True)  # a lazy translation
        if module.url_name is None:  # not built yet: greyed, not a link
            expect(entry).to_have_attribute("aria-disabled", "true")
        else:
            expect(entry).to_have_attribute("href", re.compile("^/"))
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


def test_wrong_password_keeps_the_user_on_the_sign_in_page(page):
    factories.agent(username="ada")

    page.goto("/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_role("navigation", name="Modules")).to_have_count(0)
    assert_accessible(page)  # the error is read out with the form


def test_admin_creates_a_team_and_adds_a_member_without_a_page_reload(page):
    factories.admin(username="root", first_name="Rita")
    factories.agent(username="ada", first_name="Ada", last_name="Lovelace")
    sign_in(page, "root")

    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams")
    page.get_by_text("New team").click()
    page.get_by_label("Name").fill("Network")
    page.get_by_label("Description").fill("LAN, WAN and VPN")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network")

    page.get_by_role("link", name="Teams").first.click()
    page.get_by_role("link", name="Network").click()
    expect(page).to_have_url(re.compile(r"/teams/network/$"))
    members = page.locator("#members")
    expect(members).to_contain_text("No members")
    assert_accessible(page)

    # A full reload would forget this marker; an htmx swap keeps it.
    page.evaluate("window.__stewardNoReload = true")
    members.get_by_label("Add agent").fill("ada")
    members.get_by_role("button", name="Add").click()

    expect(members).to_contain_text("Ada Lovelace")
    expect(members).not_to_contain_text("No members")
    assert page.evaluate("window.__stewardNoReload") is True
    expect(page).to_have_url(re.compile(r"/teams/network/$"))
    team = Team.objects.get(slug="network")
    assert list(team.members.values_list("username", flat=True)) == ["ada"]
    entry = AuditEntry.objects.filter(object_id=str(team.pk)).latest("id")
    assert entry.channel == "web"
    assert entry.changes == {"members": [[], ["ada"]]}


def test_adding_an_unknown_member_shows_the_error_in_place(page):
    factories.admin(username="root")
    Team.objects.create(name="Network", slug="network")
    sign_in(page, "root", path="/teams/network/")

    members = page.locator("#members")
    members.get_by_label("Add agent").fill("nobody")
    members.get_by_role("button", name="Add").click()

    expect(members.get_by_role("alert")).to_contain_text("no user 'nobody'")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Network")


@pytest.mark.parametrize("path", ["/", "/teams/", "/teams/network/", "/profile/"])
def test_pages_fit_a_phone_and_the_menu_opens(page, path):
    factories.admin(username="root")
    team = Team.objects.create(name="Network", slug="network", description="LAN " * 40)
    team.members.add(factories.agent(username="a-very-long-username-for-a-narrow-screen"))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "root", path=path)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    nav = page.get_by_role("navigation", name="Modules")
    expect(nav).to_be_hidden()
    assert_accessible(page)
    page.get_by_text("Menu").click()
    expect(nav.get_by_role("link", name="Teams")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)  # the open menu too


def test_escape_closes_the_phones_menu_and_returns_to_its_toggle(page):
    factories.admin(username="root")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "root", path="/teams/")
    nav = page.get_by_role("navigation", name="Modules")
    toggle = page.locator("#nav-toggle")
    toggle.focus()
    page.keyboard.press("Space")  # opened from the keyboard
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="Teams").focus()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).not_to_be_checked()
    expect(toggle).to_be_focused()
    page.get_by_text("Menu").click()  # and opens again, closed from the account's links too
    page.locator(".account a").first.focus()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()


def test_the_phones_menu_toggle_says_whether_the_menu_is_open(page):
    """The toggle had no aria-expanded: a screen reader heard a bare "Menu" whether the menu
    was open or closed. It says so now, on a click, from the keyboard and after Escape, and
    names what it opens (the modules and the account's links)."""
    factories.admin(username="root")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "root", path="/teams/")
    nav = page.get_by_role("navigation", name="Modules")
    toggle = page.get_by_role("checkbox", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    controlled = toggle.get_attribute("aria-controls").split()
    assert "modules-nav" in controlled, controlled
    for name in controlled:  # each id names an element of the page
        expect(page.locator(f"#{name}")).to_have_count(1)
    assert page.locator(".account").get_attribute("id") in controlled

    page.get_by_text("Menu").click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.get_by_text("Menu").click()
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.focus()
    page.keyboard.press("Space")
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)  # aria-expanded is allowed on the box (ARIA 1.2)
    nav.get_by_role("link", name="Teams").focus()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # back from the history, the attribute matches the box however the browser restored it
    page.get_by_text("Menu").click()
    nav.get_by_role("link", name="Overview").click()
    page.wait_for_load_state("load")
    page.go_back()
    page.wait_for_load_state("load")
    toggle = page.get_by_role("checkbox", name="Menu")
    expected = "true" if toggle.is_checked() else "false"
    expect(toggle).to_have_attribute("aria-expanded", expected)


def test_team_filter_updates_rows_in_place_and_keeps_the_url(page):
    factories.agent(username="ada")
    Team.objects.create(name="Network", slug="network")
    Team.objects.create(name="Database", slug="database")
    sign_in(page, "ada", path="/teams/")
    rows = page.locator("#team-rows")
    expect(rows).to_contain_text("Database")
    assert_accessible(page)

    page.get_by_placeholder("Filter teams…").fill("net")

    expect(rows).not_to_contain_text("Database")
    expect(rows).to_contain_text("Network")
    expect(page).to_have_url(re.compile(r"/teams/\?q=net$"))
    page.reload()
    expect(page.get_by_placeholder("Filter teams…")).to_have_value("net")
    expect(rows).not_to_contain_text("Database")
