"""The API's and the web queue's rows read keys first (decision 0042): the page's ids from the
queue's index, a part at a time, then its rows by id. Every page, row and cursor equals what
the one joined statement per page gave (``queues.KEYS_FIRST = False``), for the queues,
orders and filters an agent uses, and the first page costs the statements it should."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.core.actor import Actor
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_list, queues
from steward.incidents.services import incident_create
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
STATUSES = ["new", "assigned", "in_progress", "on_hold", "resolved", "closed", "cancelled"]


@pytest.fixture
def world(agent_user, requester_user, admin_actor, always_on):
    teams = [TeamFactory(members=[agent_user]) for _ in range(3)]
    other = TeamFactory()
    rng = random.Random(42)
    Incident.objects.bulk_create(
        Incident(
            number=f"INC{8_000_000 + n:07d}",
            title=f"keys {n}",
            caller=requester_user if n % 3 else agent_user,
            team=rng.choice([*teams, other, None]),
            assignee=rng.choice([agent_user, None, None]),
            status=rng.choice(STATUSES),
            priority=rng.randint(1, 5),
            is_major=n % 11 == 0,
            opened_at=f"2026-11-{rng.randint(1, 3):02d}T09:00:00Z",  # many ties
        )
        for n in range(160)
    )
    # updated_at: ties too, and not in the order of ids or opening
    for n, incident in enumerate(Incident.objects.order_by("id")):
        moment = dt.datetime(2026, 11, 5, 8, rng.randint(0, 3), tzinfo=dt.UTC)
        Incident.objects.filter(id=incident.id).update(updated_at=moment)
        if n == 159:
            break
    for n in range(3):  # a few with clocks and every reference the page names
        incident_create(admin_actor, title=f"clocked {n}", team=teams[0].slug, impact=n + 1)
    return agent_user, requester_user


CASES = [
    {"queue": queue, "order": order}
    for queue in ("all", "my_teams", "mine", "unassigned", "open", "major")
    for order in queues.ORDERS
] + [
    {"queue": "all", "priority": [1, 2]},
    {"queue": "all", "status": ["on_hold", "closed"], "order": "-updated_at"},
    {"queue": "my_teams", "status": ["new", "on_hold"]},
    {"queue": "my_teams", "priority": [3], "order": "opened_at"},
    {"queue": "open", "assignee": "me"},
    {"queue": "all", "major": True, "order": "-opened_at"},
]


def walk(actor: Actor, *, switches: dict, limit: int, **args) -> list[tuple[list, str | None]]:
    """Every page of a list: its items and cursor, following the cursors to the end, with
    ``queues``' switches (``KEYS_FIRST``, ``WITHIN``) set as ``switches`` says."""
    pages, cursor = [], None
    with contextlib.ExitStack() as patched:
        for name, value in switches.items():
            patched.enter_context(mock.patch.object(queues, name, value))
        patched.enter_context(mock.patch.object(timezone, "now", return_value=NOW))
        while True:
            page = incident_list(actor, cursor=cursor, limit=limit, **args)
            pages.append((page.items, page.next))
            if page.next is None or len(pages) > 200:
                return pages
            cursor = page.next


@pytest.mark.parametrize("flavour", ["rows", "shown"])
def test_every_page_row_and_cursor_is_the_one_statements(world, flavour):
    agent, _ = world
    actor = Actor(user=agent, channel="api")
    for case in CASES:
        for limit in (13, 50):
            old = walk(
                actor, switches={"KEYS_FIRST": False}, limit=limit, **{flavour: True}, **case
            )
            new = walk(actor, switches={"KEYS_FIRST": True}, limit=limit, **{flavour: True}, **case)
            assert new == old, (case, limit)
            # the first page again: its keys' statement now comes from the process's cache
            with mock.patch.object(timezone, "now", return_value=NOW):
                again = incident_list(actor, limit=limit, **{flavour: True}, **case)
            assert (again.items, again.next) == old[0], (case, limit)
    # the cases are not vacuous: rows on several pages, and the API's rows are rows
    many = walk(actor, switches={"KEYS_FIRST": True}, limit=13, **{flavour: True}, queue="all")
    assert len(many) > 5
    assert isinstance(many[0][0][0], dict) == (flavour == "rows")


def test_an_agent_in_no_team_has_an_empty_queue(world):
    from tests.factories import agent as make_agent

    actor = Actor(user=make_agent(), channel="api")
    with CaptureQueriesContext(connection) as ctx:
        page = incident_list(actor, queue="my_teams", rows=True)
    assert page.items == []
    assert page.next is None
    assert not [q for q in ctx.captured_queries if "incidents_incident" in q["sql"]]


@pytest.mark.parametrize("queue", ["my_teams", "all"])
def test_the_first_page_reads_a_page_of_keys_per_part_then_rows_by_id(world, queue):
    agent, _ = world
    actor = Actor(user=agent, channel="api")
    with mock.patch.object(queues, "WITHIN", False):  # the keys apart (decision 0064 joins them)
        incident_list(actor, queue=queue, rows=True)  # compiled once per process
        with CaptureQueriesContext(connection) as ctx:
            page = incident_list(actor, queue=queue, rows=True)
    assert len(page.items) == 50
    assert page.next
    # the keys, the rows by id, their clocks (the cache stamps: once per request in a request)
    sql = [q["sql"] for q in ctx.captured_queries if "core_cachestamp" not in q["sql"]]
    assert len(sql) == 3, sql
    keys, by_id, _clocks = sql
    parts = 3 if queue == "my_teams" else 2  # three teams; open and closed work
    assert keys.count("UNION ALL") == parts - 1
    assert keys.count("LIMIT 51") == parts + 1  # each part's page and one, and the merge
    assert "SELECT U0" not in keys
    assert "ref_" not in keys
    assert '"incidents_incident"."id" IN (' in by_id
    assert "ORDER BY" not in by_id


@pytest.mark.parametrize("queue", ["my_teams", "mine"])
def test_a_first_page_kept_for_one_agent_is_not_anothers(world, queue):
    from tests.factories import agent as make_agent

    first, _ = world
    other = make_agent()
    TeamFactory(members=[other])  # a team of their own: an empty queue
    for user in (first, other, first, other):  # the second round reads the kept statements
        page = incident_list(Actor(user=user, channel="api"), queue=queue, rows=True)
        if user == first:
            assert page.items
        else:
            assert page.items == []
