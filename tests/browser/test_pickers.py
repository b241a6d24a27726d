"""Pickers by name in a real browser: the lead reassigns an incident by typing part of the
team's and the agent's names and picking with the keyboard; the form sends their keys."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.core.services import team_create
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_reassigns_by_typing_names_and_picking_with_the_keyboard(page):
    lead = factories.agent(username="lena", first_name="Lena", last_name="Lead")
    factories.agent(username="civanova", first_name="Chloe", last_name="Ivanova")
    factories.agent(username="chris", first_name="Chris", last_name="Other")
    admin = as_actor(factories.admin(username="boss"))
    team_create(admin, name="Service Desk", slug="desk", members=["lena"])
    team_create(admin, name="Network", slug="network", members=["civanova", "lena"])
    incident = incident_create(as_actor(lead), title="Switch in room 2 is down", team="desk")

    sign_in(page, "lena", path=f"/incidents/{incident.number}/")
    work = page.locator("#work")
    team = work.get_by_role("combobox", name="Team")
    expect(team).to_have_value("Service Desk")  # the team's name, not its slug
    team.fill("")
    team.press_sequentially("netw")
    options = page.get_by_role("listbox").filter(visible=True).get_by_role("option")
    expect(options).to_have_text([re.compile(r"^Network")])
    team.press("ArrowDown")
    expect(team).to_have_attribute("aria-activedescendant", re.compile(r"-option-1$"))
    expect(options.first).to_have_attribute("aria-selected", "true")
    # The list drawn again under the arrows (a late answer, or the focus asking again): the
    # option reached stays the active one, shown as selected, and Enter still picks it.
    team.evaluate(
        """box => new Promise((drawn) => {
            document.addEventListener("htmx:afterSwap", drawn, { once: true });
            htmx.trigger(box, "focus");
        })"""
    )
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(team).to_have_attribute("aria-activedescendant", re.compile(r"-option-1$"))
    assert_accessible(page)
    team.press("Enter")
    expect(team).to_have_value("Network")
    expect(team).to_have_attribute("aria-expanded", "false")

    assignee = work.get_by_role("combobox", name="Assignee")
    assignee.press_sequentially("ivan")
    expect(options).to_have_text([re.compile(r"^Chloe Ivanova")])  # not Chris: no match
    assignee.press("ArrowDown")
    assignee.press("Enter")
    expect(assignee).to_have_value("Chloe Ivanova")
    work.get_by_role("button", name="Save").click()

    expect(page.locator("dl.facts")).to_contain_text("Network")
    expect(page.locator("dl.facts")).to_contain_text("Chloe Ivanova")
    assert_accessible(page)
    saved = Incident.objects.get(pk=incident.pk)
    assert (saved.team.slug, saved.assignee.username) == ("network", "civanova")
