"""The queue's page and its keys in one statement (decision 0064): the keys' statement is a
subquery of the rows' (``queues.WITHIN``), where before the keys were read and then the
rows by id. Every page, row and cursor equals what the two statements gave, for the
queues, orders and filters an agent uses and for actors who see everything in different
teams; actors who see part of the records keep their scoped path and see only it; and the
first page costs the statements it should, over the API and on the web page."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.core.actor import Actor
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_list
from steward.incidents.services import saved_view_save
from tests import factories
from tests.incidents.test_queue_keys_first import CASES, NOW, walk, world  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

EXTRA = [  # filters beside the queues' own (the keys' statement holds each of them)
    {"queue": "all", "caller": "req1", "order": "-updated_at"},
    {"queue": "open", "category": "none-such"},
    {"queue": "all", "created_after": dt.datetime(2026, 11, 2, tzinfo=dt.UTC)},
    {"queue": "my_teams", "major": False, "order": "-opened_at"},
    {"queue": "all", "team": "", "assignee": "me", "order": "opened_at"},
]


def _actors(agent) -> dict[str, Actor]:  # noqa: ANN001
    one_team = factories.agent()
    factories.TeamFactory(members=[one_team])
    team = Incident.objects.exclude(team=None).values_list("team_id", flat=True).first()
    one_team.teams.add(team)
    return {
        "agent in three teams": Actor(user=agent, channel="api"),
        "agent in one team": Actor(user=one_team, channel="api"),
        "administrator": Actor(user=factories.admin(), channel="api"),
    }


@pytest.mark.parametrize("flavour", ["rows", "shown"])
def test_every_page_row_and_cursor_equals_the_keys_then_the_rows(world, flavour):  # noqa: F811
    agent, _ = world
    seen = 0
    for who, actor in _actors(agent).items():
        for case in CASES + EXTRA:
            # small pages for the agent whose queue has the most parts (one per team)
            for limit in (7, 50) if who == "agent in three teams" else (13,):
                old = walk(
                    actor, switches={"WITHIN": False}, limit=limit, **{flavour: True}, **case
                )
                new = walk(actor, switches={"WITHIN": True}, limit=limit, **{flavour: True}, **case)
                assert new == old, (who, case, limit)
                seen += sum(len(items) for items, _ in new)
                # the first page again: its keys' statement comes from the process's cache
                with mock.patch.object(timezone, "now", return_value=NOW):
                    again = incident_list(actor, limit=limit, **{flavour: True}, **case)
                assert (again.items, again.next) == old[0], (who, case, limit)
    # not vacuous: many rows over several pages, and the API's rows are rows
    assert seen > 2000
    many = walk(
        Actor(user=agent, channel="api"), switches={"WITHIN": True}, limit=7, **{flavour: True}
    )
    assert len(many) > 10
    assert isinstance(many[0][0][0], dict) == (flavour == "rows")


def test_actors_who_see_part_keep_their_scope(world):  # noqa: F811
    _, requester = world
    limited = factories.agent()
    organisation = factories.OrganisationFactory()
    other = factories.OrganisationFactory()
    limited.served_organisations.add(organisation)
    ids = list(Incident.objects.order_by("id").values_list("id", flat=True))
    Incident.objects.filter(id__in=ids[:20]).update(organisation=organisation)
    Incident.objects.filter(id__in=ids[20:50]).update(organisation=other)
    for user, visible in (
        (requester, Incident.objects.filter(caller=requester)),
        # the served organisation's and IT's own (of no organisation), not the others'
        (limited, Incident.objects.exclude(organisation__in=[other])),
    ):
        actor = Actor(user=user, channel="api")
        for flavour in ("rows", "shown"):
            new = walk(actor, switches={"WITHIN": True}, limit=7, queue="all", **{flavour: True})
            assert new == walk(
                actor, switches={"WITHIN": False}, limit=7, queue="all", **{flavour: True}
            )
            numbers = {
                item["number"] if isinstance(item, dict) else item.number
                for items, _ in new
                for item in items
            }
            assert numbers == set(visible.values_list("number", flat=True)), user


@pytest.mark.parametrize("queue", ["my_teams", "all", "mine"])
def test_the_first_page_is_one_statement_then_the_clocks(world, queue):  # noqa: F811
    agent, _ = world
    actor = Actor(user=agent, channel="api")
    incident_list(actor, queue=queue, rows=True)  # compiled once per process
    with CaptureQueriesContext(connection) as ctx:
        page = incident_list(actor, queue=queue, rows=True)
    assert page.items
    # the page with its keys, their clocks (the cache stamps: once per request in a request)
    sql = [q["sql"] for q in ctx.captured_queries if "core_cachestamp" not in q["sql"]]
    assert len(sql) == 2, sql
    rows, clocks = sql
    assert "sla_slaclock" in clocks
    assert '"incidents_incident"."id" IN (SELECT "id" FROM (' in rows.replace("`", '"')
    assert rows.count("LIMIT 51") == {"my_teams": 4, "all": 3, "mine": 1}[queue]
    assert "ref_team_slug" in rows  # the rows' names are read with the keys


def test_the_api_and_the_web_queue_statements(world, agent_api):  # noqa: F811
    """Over the API: the stamps, the page with its keys, the clocks (4 before: the keys and
    the rows by id apart). On the web page the same three, where it read five (the keys,
    the rows by id and the saved views apart: these are now kept under their stamp)."""
    agent, _ = world
    web = Client()
    web.force_login(agent)
    saved_view_save(Actor(user=agent, channel="web"), name="Network", query="team=network")
    for read, path, count in (
        (agent_api, "/api/v1/incidents?queue=my_teams", 3),
        (web, "/incidents/?queue=my_teams", 3),
        (web, "/incidents/?queue=all&order=-updated_at", 3),
    ):
        read.get(path)  # warm: the first read fills the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            answer = read.get(path)
        assert answer.status_code == 200
        assert len(ctx.captured_queries) == count, [q["sql"] for q in ctx.captured_queries]
        if read is web:
            assert b"?team=network" in answer.content  # the saved view, from the cache


def test_a_saved_view_shows_on_the_next_page(world):  # noqa: F811
    """The saved views are kept per process under a stamp: a save or a delete moves it, so
    the next page shows the change (here the view is saved outside any request)."""
    agent, _ = world
    web = Client()
    web.force_login(agent)
    actor = Actor(user=agent, channel="web")
    assert b"?team=desk" not in web.get("/incidents/").content
    view = saved_view_save(actor, name="Desk", query="team=desk")
    assert b"?team=desk" in web.get("/incidents/").content
    view.delete()
    assert b"?team=desk" not in web.get("/incidents/").content
