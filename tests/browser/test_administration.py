"""The administrator configures Steward in the browser, by clicking and typing from each
page's default state: Administration in the navigation, users (invite, roles, teams,
deactivate), categories, the priority matrix, escalation rules, change templates and
approval delegations, team assignment. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.changes.models import ChangeTemplate, Delegation
from steward.core.models import OutgoingMail, User
from steward.incidents.models import Category, EscalationRule, PriorityRule, TeamAssignment
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_administration(page, link: str) -> None:
    """From any page: Administration in the navigation, then ``link`` on the index."""
    page.get_by_role("navigation", name="Modules").get_by_role(
        "link", name="Administration"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.get_by_role("main").get_by_role("link", name=link, exact=True).click()


def beside(page, label: str):
    """The error text beside the field labelled ``label``."""
    return page.locator(".field.invalid").filter(has=page.get_by_label(label, exact=True))


def test_the_administrator_invites_a_person_edits_and_deactivates_them(page):
    factories.admin(username="ada", first_name="Ada", last_name="Admin")
    factories.requester(username="alice", first_name="Alice", last_name="Smith")
    factories.TeamFactory(name="Network", slug="network")

    sign_in(page, "ada")
    nav = page.get_by_role("navigation", name="Modules")
    expect(nav.get_by_role("link", name="Administration")).to_be_visible()
    nav.get_by_role("link", name="Administration").click()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Users", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    rows = page.locator("#rows")
    expect(rows).to_contain_text("Alice Smith")
    assert_accessible(page)
    page.get_by_label("Role").select_option(label="Administrator")
    expect(rows).not_to_contain_text("Alice Smith")
    expect(rows).to_contain_text("Ada Admin")
    page.get_by_label("Role").select_option(label="Any role")
    expect(rows).to_contain_text("Alice Smith")  # the bar is swapped with the rows: wait
    page.get_by_label("Search").fill("smith")
    expect(rows).not_to_contain_text("Ada Admin")
    expect(rows).to_contain_text("Alice Smith")
    page.get_by_label("Status").select_option(label="Deactivated")
    expect(rows).to_contain_text("Nobody matches.")
    page.get_by_label("Status").select_option(label="Active and deactivated")
    expect(rows).to_contain_text("Alice Smith")

    page.get_by_role("link", name="New user").click()
    expect(page.get_by_label("Requester")).to_be_checked()  # the default role
    expect(page.get_by_label("Email an invitation to choose a password")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Username").fill("grace")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Requester").uncheck()
    page.get_by_label("Agent", exact=True).check()
    page.get_by_label("Network").check()
    page.get_by_role("button", name="Add user").click()  # no address for the invitation

    expect(beside(page, "Email address").locator(".error")).to_have_text(
        "needed to send the invitation"
    )
    assert_accessible(page)
    expect(page.get_by_label("Network")).to_be_checked()  # kept what was ticked
    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_role("button", name="Add user").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
    expect(page.get_by_role("status")).to_have_text(
        "Grace Hopper was added; an invitation went to grace@example.com."
    )
    expect(page).to_have_url(re.compile(r"/administration/users/grace/$"))
    expect(page.get_by_role("region", name="Account")).to_contain_text("Not chosen yet")
    assert_accessible(page)
    assert OutgoingMail.objects.filter(recipient="grace@example.com", kind="invitation").exists()

    page.get_by_label("Team lead").check()
    page.get_by_label("Organisation").select_option(index=0)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Saved Grace Hopper.")
    expect(page.get_by_label("Team lead")).to_be_checked()
    page.reload()  # the address is the person's page, not the POST
    expect(page.get_by_label("Team lead")).to_be_checked()

    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("Grace Hopper is deactivated")
    expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
    assert_accessible(page)
    grace = User.objects.get(username="grace")
    assert not grace.is_active
    assert grace.role_names == {"agent", "team_lead"}
    assert [t.slug for t in grace.teams.all()] == ["network"]
    page.get_by_role("button", name="Reactivate").click()
    expect(page.get_by_role("status")).to_have_text("Grace Hopper can sign in again.")
    page.get_by_role("link", name="← Users").click()
    expect(page.locator("#rows")).to_contain_text("Grace Hopper")


def test_the_administrator_edits_categories_and_the_priority_matrix(page):
    factories.admin(username="ada")
    factories.TeamFactory(name="Network ops", slug="netops")

    sign_in(page, "ada")
    open_administration(page, "Categories")
    expect(page.get_by_role("heading", level=1)).to_have_text("Categories")
    assert_accessible(page)
    page.get_by_role("link", name="Add subcategory to Network").click()
    expect(page.get_by_label("Subcategory of")).to_have_value("network")
    assert_accessible(page)
    page.get_by_label("Name").fill("VPN")  # taken under Network
    page.get_by_label("Default team").select_option(label="Network ops")
    page.get_by_role("button", name="Add category").click()
    expect(beside(page, "Name").locator(".error")).to_have_text(
        "there is already a category 'VPN' under Network"
    )
    assert_accessible(page)
    page.get_by_label("Name").fill("Load balancer")
    page.get_by_role("button", name="Add category").click()

    expect(page.get_by_role("status")).to_have_text("Category “Load balancer” added.")
    page.get_by_role("link", name="Load balancer").click()
    page.get_by_label("Active (offered on new incidents)").uncheck()
    page.get_by_role("button", name="Save category").click()
    expect(page.get_by_role("status")).to_have_text("Category “Load balancer” saved.")
    made = Category.objects.get(name="Load balancer")
    assert (made.parent.slug, made.default_team.slug, made.is_active) == (
        "network",
        "netops",
        False,
    )

    open_administration(page, "Priority matrix")
    expect(page.get_by_role("heading", level=1)).to_have_text("Priority matrix")
    cell = page.get_by_label("Priority for impact 3 - Low, urgency 3 - Low")
    expect(cell).to_have_value("5")
    assert_accessible(page)
    cell.select_option(label="4 - Low")
    page.get_by_role("button", name="Save matrix").click()
    expect(page.get_by_role("status")).to_have_text("Priority matrix saved (1 cells changed).")
    expect(page.get_by_label("Priority for impact 3 - Low, urgency 3 - Low")).to_have_value("4")
    assert_accessible(page)
    assert PriorityRule.objects.get(impact=3, urgency=3).priority == 4

    open_administration(page, "Team assignment")
    mode = page.get_by_label("How Network ops assigns new incidents")
    expect(mode).to_have_value("team")
    assert_accessible(page)
    mode.select_option(label="Round-robin")
    page.get_by_role("button", name="Save assignment").click()
    expect(page.get_by_role("status")).to_have_text("Assignment saved for Network ops.")
    expect(page.get_by_label("How Network ops assigns new incidents")).to_have_value("round_robin")
    assert TeamAssignment.objects.get(team__slug="netops").mode == "round_robin"


def test_the_administrator_adds_an_escalation_rule(page):
    factories.admin(username="ada")
    factories.TeamFactory(name="Major incidents", slug="major")

    sign_in(page, "ada")
    open_administration(page, "Escalation rules")
    expect(page.locator("#rows")).to_contain_text("No escalation rule yet.")
    assert_accessible(page)
    page.get_by_role("link", name="New rule").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("P1 breach to Major incidents")
    page.get_by_label("When the SLA clock reaches").select_option(label="Breach")
    page.get_by_label("P1", exact=True).check()
    page.get_by_label("Then").select_option(label="Reassign to a team")
    page.get_by_role("button", name="Add rule").click()
    expect(beside(page, "Team to reassign to").locator(".error")).to_have_text(
        "the team to reassign to is needed"
    )
    assert_accessible(page)
    page.get_by_label("Team to reassign to").select_option(label="Major incidents")
    page.get_by_role("button", name="Add rule").click()

    expect(page.get_by_role("status")).to_have_text(
        "Escalation rule “P1 breach to Major incidents” added."
    )
    expect(page.locator("#rows")).to_contain_text("Reassign to a team: Major incidents")
    page.get_by_role("link", name="P1 breach to Major incidents").click()
    page.get_by_label("Active").uncheck()
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator("#rows")).to_contain_text("Inactive")
    rule = EscalationRule.objects.get()
    assert (rule.threshold, rule.priorities, rule.team.slug, rule.is_active) == (
        "breach",
        [1],
        "major",
        False,
    )


def test_the_administrator_keeps_change_templates_and_delegations(page):
    factories.admin(username="ada")
    factories.agent(username="cm", first_name="Carla", last_name="Manager")
    factories.agent(username="deputy", first_name="Dan", last_name="Deputy")

    sign_in(page, "ada")
    open_administration(page, "Change templates")
    expect(page.locator("#rows")).to_contain_text("No template yet.")
    assert_accessible(page)
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Implementation plan").fill("Drain, restart, undrain.")
    page.get_by_role("button", name="Add template").click()
    expect(beside(page, "Name").locator(".error")).to_have_text("This field is required.")
    assert_accessible(page)
    page.get_by_label("Name").fill("Restart a web node")
    page.get_by_role("button", name="Add template").click()
    expect(page.get_by_role("status")).to_have_text("Template “Restart a web node” added.")
    assert ChangeTemplate.objects.get().implementation_plan == "Drain, restart, undrain."

    open_administration(page, "Approval delegations")
    expect(page.locator("#rows")).to_contain_text("No delegation.")
    assert_accessible(page)
    page.get_by_role("link", name="New delegation").click()
    assert_accessible(page)
    page.get_by_label("Approver who is away").fill("cm")
    page.get_by_label("Decides instead").fill("cm")
    page.get_by_role("button", name="Add delegation").click()
    expect(beside(page, "Decides instead").locator(".error")).to_have_text(
        "cannot delegate to oneself"
    )
    page.get_by_label("Decides instead").fill("deputy")
    page.get_by_role("button", name="Add delegation").click()
    expect(page.get_by_role("status")).to_contain_text("Dan Deputy decides for Carla Manager")
    expect(page.locator("#rows")).to_contain_text("In force")
    assert_accessible(page)
    assert Delegation.objects.get().delegate.username == "deputy"
    page.get_by_role("button", name="End the delegation of Carla Manager to Dan Deputy").click()
    expect(page.get_by_role("status")).to_have_text(
        "Delegation ended: Carla Manager decides their approvals again."
    )
    assert not Delegation.objects.exists()
