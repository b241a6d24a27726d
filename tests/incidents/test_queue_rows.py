"""The web queue's rows (selectors.incident_list(..., queue_rows=True): ``.values()`` rows,
no model graph) show what the model path shows: every attribute the row template and
``incidents_takeable`` read, the same clocks, the same cursor and the same HTML, for every
kind of actor and filter; and the page's statements do not grow with its rows."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from steward.incidents import selectors
from steward.incidents.models import Incident
from steward.incidents.selectors.rows import QueueRow
from steward.incidents.services import incident_create, incident_update
from tests import factories
from tests.conftest import as_actor
from tests.query_counts import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_actor, desk, always_on):
    """Incidents with and without team, assignee, clocks; named and unnamed callers."""
    acme = factories.OrganisationFactory(name="Acme", slug="acme")
    named = factories.requester(
        username="ann", first_name="Ann", last_name="Lee", organisation=acme
    )
    plain = factories.requester(username="bob", first_name="", last_name="")
    agent = factories.agent(username="carla", first_name="Carla", last_name="")
    desk.members.add(agent)
    made = [
        incident_create(admin_actor, title="Printer", caller=named.username, team="desk"),
        incident_create(admin_actor, title="VPN", caller=plain.username, impact=1, urgency=1),
        incident_create(
            admin_actor, title="Mail", caller=named.username, team="desk", assignee="carla"
        ),
        incident_create(admin_actor, title="Outage", caller=plain.username, is_major=True),
    ]
    incident_update(
        admin_actor,
        number=made[2].number,
        expected_version=None,
        changes={"status": "on_hold", "on_hold_reason": "awaiting_caller"},
    )
    done = incident_create(admin_actor, title="Done", caller=named.username, team="desk")
    incident_update(
        admin_actor,
        number=done.number,
        expected_version=None,
        changes={"status": "resolved", "resolution_code": "solved", "resolution_notes": "ok"},
    )
    return {"named": named, "plain": plain}


def seen(item) -> dict:  # noqa: ANN001 - an Incident or a QueueRow
    """What the row template and incidents_takeable read of an item."""
    return {
        "number": item.number,
        "title": item.title,
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "priority": item.priority,
        "is_major": item.is_major,
        "opened_at": item.opened_at,
        "team": item.team.name if item.team is not None else None,
        "team_id": item.team_id,
        "assignee": str(item.assignee) if item.assignee is not None else None,
        "assignee_id": item.assignee_id,
        "caller": str(item.caller),
        "sla_clocks": list(item.sla_clocks),
    }


def html(actor, items) -> str:  # noqa: ANN001
    """The rows as the queue page renders them."""
    takeable = selectors.incidents_takeable(actor, items)
    context = {"can_work_queue": actor.is_agent, "takeable": takeable, "records_url": "/i/"}
    return "".join(
        render_to_string("incidents/_row.html", {**context, "row": item}) for item in items
    )


def both(actor, **filters) -> tuple:  # noqa: ANN001
    """The same page read both ways at one frozen "now" (the clocks count from it)."""
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now):
        rows = selectors.incident_list(actor, **filters, queue_rows=True)
        models = selectors.incident_list(actor, **filters)
    return rows, models


ACTORS = ["admin", "agent", "requester", "limited"]
FILTERS = [
    {},
    {"queue": "my_teams"},
    {"queue": "open", "order": "-opened_at"},
    {"queue": "all", "order": "-updated_at"},
    {"queue": "all", "priority": [1, 3], "order": "opened_at"},
    {"queue": "unassigned", "limit": 1},
]


def actor_for(who: str, world: dict, admin_actor, agent_actor):  # noqa: ANN001, ANN201
    if who == "admin":
        return admin_actor
    if who == "agent":
        return agent_actor
    if who == "requester":
        return as_actor(world["named"])
    limited = factories.agent(username="limited")
    limited.served_organisations.add(world["named"].organisation)
    return as_actor(limited)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(map(str, f.items())) or "-")
def test_queue_rows_equal_the_model_page(world, admin_actor, agent_actor, who, filters):
    actor = actor_for(who, world, admin_actor, agent_actor)
    cursor, pages = None, 0
    while True:
        rows, models = both(actor, **filters, cursor=cursor)
        assert all(isinstance(item, QueueRow) for item in rows.items)
        assert all(isinstance(item, Incident) for item in models.items)
        assert [seen(r) for r in rows.items] == [seen(m) for m in models.items]
        assert html(actor, rows.items) == html(actor, models.items)
        assert rows.next == models.next
        cursor, pages = rows.next, pages + 1
        if cursor is None:
            break
    if who == "admin" and not filters:
        assert len(models.items) == 5  # the comparison had rows to compare
        assert any(r["sla_clocks"] for r in map(seen, models.items))


def test_the_rows_name_people_as_the_models_do(world, admin_actor):
    rows, _ = both(admin_actor, queue="all")
    by_title = {row.title: row for row in rows.items}
    assert by_title["Printer"].caller == "Ann Lee"  # full name
    assert by_title["VPN"].caller == "bob"  # no name: the username
    assert by_title["Mail"].assignee == "Carla"
    assert by_title["Mail"].get_status_display() == "On hold"
    assert by_title["VPN"].team is None


def test_a_search_keeps_the_model_path(world, admin_actor):
    page = selectors.incident_list(admin_actor, q="printer", queue_rows=True)
    assert [item.title for item in page.items] == ["Printer"]
    assert all(isinstance(item, Incident) for item in page.items)


def test_the_queue_page_statements_do_not_grow_with_its_rows(world, admin_user, client):
    client.force_login(admin_user)
    read = lambda: client.get("/incidents/?queue=all")  # noqa: E731
    queries(read)  # the first read of a session fills caches
    few = queries(read)
    admin = as_actor(admin_user)
    for i in range(6):
        incident_create(admin, title=f"More {i}", team="desk")
    assert queries(read) == few
    body = client.get("/incidents/?queue=all").content.decode()
    assert "More 5" in body
    assert "Ann Lee" in body


def test_clocks_are_counted_at_the_same_moment_both_ways(world, admin_actor):
    later = timezone.now() + dt.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        rows = selectors.incident_list(admin_actor, queue="all", queue_rows=True)
        models = selectors.incident_list(admin_actor, queue="all")
    assert [r.sla_clocks for r in rows.items] == [m.sla_clocks for m in models.items]
    assert any(clock.elapsed_seconds for row in rows.items for clock in row.sla_clocks)
