"""Every incident write path runs the rules the same way (decision 0104): the queue's bulk
update, taking an incident and the import each fire them once per incident, a rule's own
writes fire none, and with no rule active (or none matching) the bulk paths run the
statements they ran without automation."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.automation.models import RuleRun
from steward.automation.services import engine
from steward.core import hooks
from steward.core.models import Comment
from steward.incidents.models import Incident
from steward.incidents.services import incident_create, incident_take
from steward.incidents.services.bulk import incidents_import
from tests.automation.conftest import rule
from tests.incidents.conftest import always_on  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@contextmanager
def without_automation():
    """As before automation: no listener on incident writes."""
    hooks.unregister(hooks.INCIDENT_CREATED, engine.on_created)
    hooks.unregister(hooks.INCIDENT_UPDATED, engine.on_updated)
    try:
        yield
    finally:
        hooks.register(hooks.INCIDENT_CREATED, engine.on_created)
        hooks.register(hooks.INCIDENT_UPDATED, engine.on_updated)


def statements(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def notes(incident) -> list[str]:
    return list(
        Comment.objects.filter(object_id=str(incident.pk), internal=True).values_list(
            "body", flat=True
        )
    )


# --- the queue's bulk update -----------------------------------------------------------


@pytest.fixture
def web(agent_user):
    client = Client()
    client.force_login(agent_user)
    return client


def bulk(web, numbers, action="assign_me"):
    page = web.post("/incidents/bulk/", {"action": action, "numbers": numbers, "next": ""})
    assert page.status_code == 303, page.content[:300]
    return page


def test_the_bulk_update_runs_the_rules_once_per_incident(
    web, admin_actor, agent_actor, desk, network
):
    rule(
        admin_actor,
        name="Noted",
        trigger="updated",
        actions=[{"action": "add_note", "value": "Seen by automation"}],
    )
    vpn = [incident_create(agent_actor, title=f"VPN {n}", team="desk") for n in range(2)]
    other = incident_create(agent_actor, title="Printer", team="desk")
    bulk(web, [i.number for i in [*vpn, other]])
    assert sorted(RuleRun.objects.values_list("incident_id", flat=True)) == [i.pk for i in vpn]
    for incident in vpn:
        assert notes(incident) == ["Seen by automation"]  # its own note fired nothing
    assert notes(other) == []


@pytest.mark.parametrize("rules", ["none", "not-matching"])
def test_the_bulk_update_costs_no_statement_without_a_matching_rule(
    web, admin_actor, agent_actor, desk, network, rules
):
    if rules == "not-matching":
        rule(admin_actor, name="VPN updates", trigger="updated")
        rule(admin_actor, name="VPN moves", trigger="status_changed")
    made = [incident_create(agent_actor, title=f"Printer {n}", team="desk") for n in range(6)]
    numbers = [i.number for i in made]
    bulk(web, numbers[:2])  # the process's caches filled
    with without_automation():
        plain = statements(lambda: bulk(web, numbers[2:4]))
    checked = statements(lambda: bulk(web, numbers[4:]))
    assert checked == plain
    assert not RuleRun.objects.exists()


# --- taking an incident -----------------------------------------------------------------


def test_taking_an_incident_runs_the_rules_once(admin_actor, agent_actor, desk, network):
    rule(
        admin_actor,
        name="Started",
        trigger="status_changed",
        trigger_status="in_progress",
        conditions=[],
        actions=[{"action": "add_note", "value": "Work started"}],
    )
    made = incident_create(agent_actor, title="Printer", team="desk")
    taken = incident_take(agent_actor, number=made.number)
    assert taken.status == "in_progress"
    assert RuleRun.objects.get().incident_id == made.pk
    assert notes(made) == ["Work started"]


# --- the import -------------------------------------------------------------------------


def rows(titles_and_statuses):
    opened = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    out = []
    for title, status in titles_and_statuses:
        row = {"title": title, "caller": "req1", "opened_at": opened, "status": status}
        if status == "closed":
            row |= {"resolution_code": "solved", "resolved_at": opened + dt.timedelta(hours=1)}
        out.append(row)
    return out


def test_an_import_runs_the_created_rules_once_per_open_incident(
    admin_actor, requester_user, network
):
    rule(admin_actor, actions=[{"action": "assign_team", "value": "network"}])  # "vpn" titles
    made = incidents_import(
        admin_actor,
        rows([("VPN down", "new"), ("VPN was down", "closed"), ("Printer", "new")]),
    )
    by_title = {i.title: i for i in Incident.objects.all()}
    assert by_title["VPN down"].team_id == network.pk
    assert by_title["VPN was down"].team_id is None  # history, not new work: no rule
    assert by_title["Printer"].team_id is None
    assert list(RuleRun.objects.values_list("incident_id", "trigger")) == [
        (by_title["VPN down"].pk, "created")
    ]
    # the answer shows what the rule did
    assert [i.team_id for i in made] == [network.pk, None, None]


@pytest.mark.parametrize("rules", ["none", "not-matching"])
def test_an_import_costs_no_statement_without_a_matching_rule(
    admin_actor,
    requester_user,
    desk,
    network,
    always_on,  # noqa: F811
    rules,
):
    from tests.incidents.test_bulk import _history

    if rules == "not-matching":
        rule(admin_actor)  # "vpn" titles only: the rows are "Row n"
        rule(admin_actor, name="on update", trigger="updated", conditions=[])
    incidents_import(admin_actor, _history(1))  # the caches and the number counter filled
    with without_automation():
        plain = statements(lambda: incidents_import(admin_actor, _history(6)))
    checked = statements(lambda: incidents_import(admin_actor, _history(6)))
    assert checked == plain == (16 if connection.vendor == "sqlite" else 15)
    assert not RuleRun.objects.exists()
