"""The service desk's daily move in a real browser: take, note, resolve; the caller hears."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from steward.core.services import team_create
from steward.incidents.models import Incident
from steward.incidents.services import incident_create, incident_update
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_takes_notes_and_resolves_and_the_caller_gets_mail(page):
    agent = factories.agent(username="sam", first_name="Sam", last_name="Desk")
    admin = factories.admin(username="boss")
    team_create(as_actor(admin), name="Service Desk", slug="desk", members=["sam"])
    caller = factories.requester(username="carol", email="carol@example.com")
    incident = incident_create(as_actor(caller), title="Projector in room 4 shows no image")
    mail.outbox.clear()

    sign_in(page, "sam", path="/incidents/?queue=unassigned")
    row = page.get_by_role("row").filter(has_text="Projector in room 4")
    expect(row).to_be_visible()
    assert_accessible(page)
    row.get_by_role("button", name="Take").click()

    # taken: the record opens at its work region, focused there (walk25b), with the way
    # back to the queue it was taken from
    back = r"\?back=queue%3Dunassigned%26order%3Dpriority"
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/{back}#work$"))
    expect(page.locator("#work")).to_be_focused()
    expect(page.locator(".status")).to_have_text("In progress")
    assert_accessible(page)
    page.get_by_label("Reply or work note").fill("HDMI cable was loose; **reseated** it.")
    page.get_by_label("Internal work note (not shown to the caller)").check()
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".timeline li.note")).to_contain_text("reseated")

    page.get_by_label("Resolution code").select_option("solved")
    page.get_by_label("Resolution notes").fill("Cable reseated, image is back.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".status")).to_have_text("Resolved")
    # said where a screen reader announces it, not only shown by the badge
    expect(page.locator('[role="status"] .messages')).to_have_text(f"{incident.number} resolved.")
    assert_accessible(page)

    incident.refresh_from_db()
    assert (incident.status, incident.assignee, incident.resolution_code) == (
        "resolved",
        agent,
        "solved",
    )
    to_caller = [m for m in mail.outbox if "carol@example.com" in m.to]
    assert [m.subject for m in to_caller] == [
        f"[{incident.number}] Resolved: Projector in room 4 shows no image",
        f"[{incident.number}] How did we do with {incident.number}?",  # the survey (0109)
    ]
    assert all("HDMI" not in m.body for m in to_caller)  # the work note stays internal
    assert Incident.objects.get(pk=incident.pk).first_response_at is not None


def _titles(page):
    """The titles in the queue's results table, top to bottom (fourth column for agents)."""
    return page.locator("#rows tr td:nth-child(4)")


def _no_error(page) -> None:
    expect(page.locator("#rows h1")).to_have_count(0)  # no page rendered inside the table
    expect(page.locator(".filters .error:not(:empty)")).to_have_count(0)
    expect(page.locator("#filter-errors-other .error")).to_have_count(0)


def test_agent_searches_and_filters_the_queue_from_its_default_state(page):
    factories.agent(username="sam")
    admin = factories.admin(username="boss")
    team_create(as_actor(admin), name="Service Desk", slug="desk", members=["sam"])
    team_create(as_actor(admin), name="Network", slug="network", members=["sam"])
    team_create(as_actor(admin), name="Databases", slug="dba", members=["boss"])
    caller = as_actor(factories.requester(username="carol"))
    incident_create(caller, title="Projector in room 4 shows no image")
    projector = incident_create(
        as_actor(admin), title="Projector in room 4 shows no image", team="desk", caller="carol"
    )
    vpn = incident_create(
        as_actor(admin), title="VPN drops every hour", team="network", impact=1, urgency=1
    )
    incident_update(
        as_actor(admin),
        number=vpn.number,
        expected_version=None,
        changes={"status": "in_progress", "assignee": "sam"},
    )
    incident_create(
        as_actor(admin), title="Laptop battery swollen", team="desk", impact=2, urgency=2
    )
    incident_create(as_actor(admin), title="Replica lag on the orders database", team="dba")
    everything_mine = [
        "VPN drops every hour",
        "Laptop battery swollen",
        "Projector in room 4 shows no image",
    ]

    # the default state: my teams' queue, by priority (the other team's and the
    # unassigned requester's incident are not in it)
    sign_in(page, "sam", path="/incidents/")
    expect(_titles(page)).to_have_text(everything_mine)
    assert_accessible(page)

    search = page.get_by_role("searchbox", name="Search")
    search.click()
    search.press_sequentially("projector")
    search.press("Enter")
    expect(_titles(page)).to_have_text(["Projector in room 4 shows no image"])
    expect(page.locator("#rows")).to_contain_text(projector.number)
    _no_error(page)
    search.fill("")
    search.press("Enter")
    expect(_titles(page)).to_have_text(everything_mine)

    status = page.get_by_role("combobox", name="Status")
    status.select_option(label="In progress")
    expect(_titles(page)).to_have_text(["VPN drops every hour"])
    status.select_option(label="Assigned")
    expect(_titles(page)).to_have_text(everything_mine[1:])
    status.select_option(label="Any status")
    expect(_titles(page)).to_have_text(everything_mine)
    _no_error(page)

    priority = page.get_by_role("combobox", name="Priority")
    priority.select_option(label="P1")
    expect(_titles(page)).to_have_text(["VPN drops every hour"])
    priority.select_option(label="Any priority")
    expect(_titles(page)).to_have_text(everything_mine)

    team = page.get_by_role("combobox", name="Team")
    team.select_option(label="Service Desk")
    expect(_titles(page)).to_have_text(everything_mine[1:])
    team.select_option(label="Any team")
    expect(_titles(page)).to_have_text(everything_mine)

    sort = page.get_by_role("combobox", name="Sort")
    sort.select_option(label="Newest first")
    expect(_titles(page)).to_have_text(
        ["Laptop battery swollen", "VPN drops every hour", "Projector in room 4 shows no image"]
    )
    sort.select_option(label="Oldest first")
    expect(_titles(page)).to_have_text(
        ["Projector in room 4 shows no image", "VPN drops every hour", "Laptop battery swollen"]
    )
    _no_error(page)
    # the URL keeps the choices, so a reload shows the same rows
    page.reload()
    expect(_titles(page)).to_have_text(
        ["Projector in room 4 shows no image", "VPN drops every hour", "Laptop battery swollen"]
    )


def test_the_caller_sees_her_incident_without_the_agents_tools_and_cancels_it(page):
    factories.agent(username="sam")
    carol = factories.requester(username="carol", first_name="Carol", last_name="Caller")
    incident = incident_create(as_actor(carol), title="Printer on floor 2 is offline")

    sign_in(page, "carol")
    page.get_by_role("link", name=re.compile("Printer on floor 2")).click()

    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/$"))
    expect(page.get_by_role("heading", name="Your incident")).to_be_visible()
    expect(page.get_by_role("heading", name="Work it")).to_have_count(0)
    expect(page.get_by_label("Team")).to_have_count(0)
    expect(page.get_by_text("Internal work note")).to_have_count(0)
    page.get_by_label("Add a comment").fill("It shows a paper jam light.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".timeline li.reply")).to_contain_text("paper jam light")

    page.get_by_role("button", name="Cancel").click()
    expect(page.locator(".status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)


def test_a_refused_save_shows_why_on_the_page_and_a_reload_is_safe(page):
    factories.agent(username="sam")
    admin = factories.admin(username="boss")
    team_create(as_actor(admin), name="Service Desk", slug="desk", members=["sam"])
    incident = incident_create(as_actor(admin), title="Scanner jams", team="desk")

    sign_in(page, "sam", path=f"/incidents/{incident.number}/")
    page.get_by_label("Team").fill("no-such-team")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#work .error")).not_to_have_count(0)
    expect(page.get_by_label("Team")).to_have_value("no-such-team")
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/$"))  # not the POST's
    page.reload()
    expect(page.get_by_label("Team")).to_have_value("Service Desk")  # the picker shows names
    expect(page.locator("#work .error")).to_have_count(0)


def test_save_says_it_saved(page):
    factories.agent(username="sam")
    admin = factories.admin(username="boss")
    team_create(as_actor(admin), name="Service Desk", slug="desk", members=["sam"])
    incident = incident_create(as_actor(admin), title="Scanner jams", team="desk")

    sign_in(page, "sam", path=f"/incidents/{incident.number}/")
    expect(page.locator('[role="status"] .messages')).to_have_count(0)
    page.get_by_label("Urgency").select_option("1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[role="status"] .messages')).to_have_text(f"{incident.number} saved.")
    assert Incident.objects.get(pk=incident.pk).urgency == 1
    assert_accessible(page)
    page.reload()  # said once
    expect(page.locator('[role="status"] .messages')).to_have_count(0)


def test_the_unassigned_tab_offers_only_what_she_can_take_and_selects_a_page_at_once(page):
    """The Unassigned tab listed other teams' incidents with a tick box, and "Assign
    selected to me" then failed for them; there was no way to tick a whole page."""
    factories.agent(username="sam")
    other = factories.agent(username="olga")
    admin = factories.admin(username="boss")
    team_create(as_actor(admin), name="Service Desk", slug="desk", members=["sam"])
    team_create(as_actor(admin), name="Network", slug="network", members=[other.username])
    mine = [
        incident_create(as_actor(admin), title=f"Desk printer {i}", team="desk") for i in range(3)
    ]
    elsewhere = incident_create(as_actor(admin), title="Core switch flapping", team="network")
    Incident.objects.filter(pk__in=[i.pk for i in [*mine, elsewhere]]).update(assignee=None)

    sign_in(page, "sam", path="/incidents/?queue=unassigned")
    foreign = page.get_by_role("row").filter(has_text="Core switch flapping")
    expect(foreign).to_contain_text("Not assignable to you")
    expect(foreign.get_by_role("checkbox")).to_have_count(0)
    select_all = page.get_by_role("checkbox", name="Select all on this page")
    assert_accessible(page)

    select_all.focus()
    page.keyboard.press("Space")  # the keyboard alone ticks the page
    for incident in mine:
        expect(page.get_by_role("checkbox", name=f"Select {incident.number}")).to_be_checked()
    page.get_by_role("checkbox", name=f"Select {mine[0].number}").uncheck()
    expect(select_all).not_to_be_checked()
    assert select_all.evaluate("box => box.indeterminate")
    page.get_by_role("checkbox", name=f"Select {mine[0].number}").check()
    expect(select_all).to_be_checked()

    page.get_by_role("button", name="Assign selected to me").click()
    expect(page.get_by_text("3 updated.")).to_be_visible()
    expect(page.get_by_text("Not updated")).to_have_count(0)
    assigned = Incident.objects.filter(assignee__username="sam").values_list("number", flat=True)
    assert sorted(assigned) == sorted(i.number for i in mine)


def test_a_filter_a_link_set_is_named_kept_by_the_bar_and_removable(page):
    """A link's filter (here "major") showed no sign on the queue, and the bar dropped it."""
    factories.agent(username="sam")
    admin = factories.admin(username="boss")
    team_create(as_actor(admin), name="Service Desk", slug="desk", members=["sam"])
    major = incident_create(as_actor(admin), title="Mail down for everyone", team="desk")
    Incident.objects.filter(pk=major.pk).update(is_major=True)
    incident_create(as_actor(admin), title="One mouse broken", team="desk")

    sign_in(page, "sam", path="/incidents/?queue=open&major=true")
    chips = page.locator("#linked-filters")
    expect(chips).to_contain_text("Also filtered by:")
    expect(chips).to_contain_text("Major only")
    expect(_titles(page)).to_have_text(["Mail down for everyone"])
    assert_accessible(page)

    page.get_by_role("combobox", name="Sort").select_option(label="Newest first")
    expect(page).to_have_url(re.compile(r"order=-opened_at"))
    expect(chips).to_contain_text("Major only")  # the bar kept it
    expect(page).to_have_url(re.compile(r"major=true"))
    expect(_titles(page)).to_have_text(["Mail down for everyone"])

    page.get_by_role("link", name="Remove filter: Major only").click()
    expect(chips).to_have_count(0)
    expect(_titles(page)).to_have_count(2)
    expect(page.get_by_role("combobox", name="Sort")).to_have_value("-opened_at")
    assert_accessible(page)
