"""What the incident pages offer comes from ``incident_capabilities``: agents take, assign,
edit and move an incident until it is final; the caller's own page offers replies, cancel
and reopen, and never the agents' "Work it" panel."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.services import team_create
from steward.incidents.selectors import incident_capabilities, incidents_takeable
from steward.incidents.services import incident_create, incident_update
from tests.conftest import as_actor
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def move(actor, incident, status, **extra):
    return incident_update(
        actor, number=incident.number, expected_version=None, changes={"status": status, **extra}
    )


def resolve(actor, incident):
    return move(actor, incident, "resolved", resolution_code="solved", resolution_notes="Fixed.")


def test_an_agent_takes_and_works_an_unassigned_incident_of_their_team(agent_actor, desk):
    incident = incident_create(agent_actor, title="Printer jam", team="desk")  # "assigned"

    can = incident_capabilities(agent_actor, incident)

    assert (can.can_take, can.can_assign, can.can_edit, can.can_resolve) == (True,) * 4
    assert (can.can_comment, can.can_write_work_notes, can.is_requester_view) == (
        True,
        True,
        False,
    )
    assert [(m.target, m.label, m.primary) for m in can.moves] == [
        ("in_progress", "Start work", False),
        ("on_hold", "Put on hold", False),
        ("resolved", "Resolve", True),
        ("cancelled", "Cancel", False),
    ]


def test_an_agent_cannot_take_an_assigned_incident_or_one_of_a_team_they_are_not_in(
    agent_actor, admin_actor, desk
):
    team_create(admin_actor, name="Databases", slug="dba")
    assigned = incident_create(agent_actor, title="Taken", team="desk", assignee="agent1")
    elsewhere = incident_create(agent_actor, title="DBA's", team="dba")
    free = incident_create(agent_actor, title="Nobody's")

    assert not incident_capabilities(agent_actor, assigned).can_take
    assert not incident_capabilities(agent_actor, elsewhere).can_take
    assert incident_capabilities(agent_actor, free).can_take
    assert incidents_takeable(agent_actor, [assigned, elsewhere, free]) == {free.number}


@pytest.mark.parametrize("final", ["cancelled", "closed"])
def test_a_final_incident_offers_no_take_edit_or_move(agent_actor, final):
    incident = incident_create(agent_actor, title="Old", assignee="agent1")
    if final == "closed":
        incident = resolve(agent_actor, incident)
    incident = move(agent_actor, incident, final)

    can = incident_capabilities(agent_actor, incident)

    assert (can.can_take, can.can_assign, can.can_edit, can.can_resolve, can.moves) == (
        False,
        False,
        False,
        False,
        (),
    )
    assert can.can_comment


def test_the_caller_may_cancel_a_new_incident_and_reopen_a_resolved_one(
    requester_actor, agent_actor
):
    incident = incident_create(requester_actor, title="Laptop slow")

    new = incident_capabilities(requester_actor, incident)
    resolved = incident_capabilities(requester_actor, resolve(agent_actor, incident))

    assert new.is_requester_view
    assert (new.can_take, new.can_edit, new.can_assign, new.can_write_work_notes) == (False,) * 4
    assert [m.target for m in new.moves] == ["cancelled"]
    assert [(m.target, m.label) for m in resolved.moves] == [("in_progress", "Reopen")]
    assert incidents_takeable(requester_actor, [incident]) == set()


def _page(user, incident) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/incidents/{incident.number}/").content.decode()


def test_the_callers_page_has_no_agent_panel_but_her_own_moves(requester_user, agent_actor):
    incident = incident_create(as_actor(requester_user), title="Laptop slow")

    page = _page(requester_user, incident)

    headings = [text_of(h) for h in elements(page, "h2")]
    assert "Work it" not in headings
    assert "Your incident" in headings
    assert [text_of(b) for b in elements(page, "button") if b.attrs.get("name") == "status"] == [
        "Cancel"
    ]
    for agent_only in ('name="team"', 'name="assignee"', "Take it", "Internal work note"):
        assert agent_only not in page
    assert "Add a comment" in page
    assert 'id="problem-panel"' not in page


def test_the_callers_page_shows_the_resolution_and_offers_reopen(requester_user, agent_actor):
    incident = incident_create(as_actor(requester_user), title="Laptop slow")
    resolve(agent_actor, incident)

    page = _page(requester_user, incident)

    assert "Fixed." in page  # the resolution notes
    assert [text_of(b) for b in elements(page, "button") if b.attrs.get("name") == "status"] == [
        "Reopen"
    ]


def test_the_caller_reopens_from_her_page(requester_user, agent_actor):
    incident = resolve(agent_actor, incident_create(as_actor(requester_user), title="Slow"))
    client = Client()
    client.force_login(requester_user)

    response = client.post(
        f"/incidents/{incident.number}/update/",
        {"version": incident.version, "status": "in_progress", "reason": "Still slow."},
    )

    assert response.status_code == 303, response.content
    incident.refresh_from_db()
    assert incident.status == "in_progress"


def test_an_agents_page_offers_take_and_the_workflow_moves(web, agent_actor, desk):
    incident = incident_create(agent_actor, title="VPN", team="desk")

    page = web.get(f"/incidents/{incident.number}/").content.decode()

    assert "Work it" in [text_of(h) for h in elements(page, "h2")]
    buttons = [text_of(b) for b in elements(page, "button")]
    assert "Take it (t)" in buttons
    assert [text_of(b) for b in elements(page, "button") if b.attrs.get("name") == "status"] == [
        "Start work",
        "Put on hold",
        "Resolve",
        "Cancel",
    ]


def test_a_closed_incident_shows_nothing_more_to_do(web, agent_actor):
    incident = move(agent_actor, incident_create(agent_actor, title="Old"), "cancelled")

    page = web.get(f"/incidents/{incident.number}/").content.decode()

    assert "Cancelled: nothing more to do." in page
    assert f'action="/incidents/{incident.number}/update/"' not in page
