"""The problem page names only the linked incidents and changes its reader may see: each is
read through its own app's scoping (incidents' and changes' selectors)."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.changes import services as change_services
from steward.core.models import AuditEntry
from steward.problems.selectors import problem_changes, problem_history, problem_incidents
from steward.problems.selectors.activity import HIDDEN_INCIDENT
from steward.problems.services import problem_link_incident
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def linked_across(system, make_incident, make_problem):
    """A problem of no organisation linked to an incident and a change of "secret" and to
    an incident and a change of none; an agent limited to another organisation."""
    secret = factories.OrganisationFactory(slug="secret")
    problem = make_problem("Shared cause", actor=system)
    secret_incident = make_incident(
        "Secret outage", caller=factories.requester(organisation=secret)
    )
    open_incident = make_incident("Open outage", caller=factories.requester())
    assert (secret_incident.organisation, open_incident.organisation) == (secret, None)
    for incident in (secret_incident, open_incident):
        problem_link_incident(system, number=problem.number, incident=incident.number)
    plans = {"implementation_plan": "Patch.", "backout_plan": "Revert.", "test_plan": "Ping."}
    secret_change = change_services.change_create(
        system,
        title="Secret fix",
        requester=factories.requester(organisation=secret).username,
        problems=[problem.number],
        **plans,
    )
    open_change = change_services.change_create(
        system,
        title="Open fix",
        requester=factories.requester().username,
        problems=[problem.number],
        **plans,
    )
    assert (secret_change.organisation, open_change.organisation) == (secret, None)
    limited = factories.agent(username="limited")
    limited.served_organisations.set([factories.OrganisationFactory()])
    return {
        "problem": problem,
        "limited": limited,
        "hidden": [secret_incident, secret_change],
        "shown": [open_incident, open_change],
    }


def test_the_selectors_leave_out_links_the_reader_may_not_see(linked_across):
    reader = as_actor(linked_across["limited"])
    problem = linked_across["problem"]
    secret_incident, secret_change = linked_across["hidden"]
    open_incident, open_change = linked_across["shown"]

    assert problem_incidents(reader, problem) == [open_incident]
    assert [c.number for c in problem_changes(reader, problem)] == [open_change.number]


def test_an_unrestricted_agent_sees_every_linked_change(linked_across, agent_actor):
    problem = linked_across["problem"]

    shown = {c.number for c in problem_changes(agent_actor, problem)}

    (_, secret_change), (_, open_change) = linked_across["hidden"], linked_across["shown"]
    assert shown == {secret_change.number, open_change.number}


def test_the_page_never_names_a_linked_record_the_reader_may_not_see(linked_across):
    client = Client()
    client.force_login(linked_across["limited"])

    page = client.get(f"/problems/{linked_across['problem'].number}/").content.decode()

    for record in linked_across["shown"]:
        assert record.number in page
    for record in linked_across["hidden"]:
        assert record.number not in page
        assert record.title not in page


def test_history_names_a_hidden_incident_without_its_number_and_keeps_the_stored_entry(
    linked_across,
):
    reader = as_actor(linked_across["limited"])
    secret_incident, _ = linked_across["hidden"]
    open_incident, _ = linked_across["shown"]

    history = problem_history(reader, linked_across["problem"])
    links = [e.changes["incident"] for e in history if "incident" in e.changes]

    assert [None, HIDDEN_INCIDENT] in links
    assert [None, open_incident.number] in links
    assert AuditEntry.objects.filter(changes__incident=[None, secret_incident.number]).exists()
