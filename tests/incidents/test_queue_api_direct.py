"""The API's incident list written directly (``steward.api.rows.DIRECT``) from rows whose
SQLite times are kept per process (``compiled.KEEP_TIMES``): decision 0081. With both on, the
answer is the one both off gives (the schema's mirror validating and dumping the rows,
decision 0039, whose bytes tests/incidents/test_queue_api_rows.py holds to ninja's), byte for
byte and in the same statements: an agent in five teams, an agent in one, an agent limited to
an organisation (ninja's path), a requester (ninja's), an administrator; queues, filters,
orders, the next pages by their cursors; titles and texts with markup, quotes, backslashes,
control characters and other scripts; references and times that are null; a paused clock."""

from __future__ import annotations

import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.api import rows
from steward.core.models import Team
from steward.core.selectors import compiled
from steward.incidents import demo
from steward.incidents.models import Incident
from steward.sla.models import SlaClock
from tests import factories
from tests.conftest import api_client_for
from tests.incidents.conftest import demo_desk

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("x")</script>',
    "back\\slash \"quoted\" 'single' & ampersand",
    "tab\there\nnew line\r\x01\x1f end",  # no NUL: PostgreSQL refuses it in text
    "Grüße, 日本語, emoji 🚨, \u2028 line separator",
)
PATHS = (
    "/api/v1/incidents?queue=my_teams",
    "/api/v1/incidents",
    "/api/v1/incidents?queue=open&order=-opened_at",
    "/api/v1/incidents?queue=all&order=opened_at&limit=7",
    "/api/v1/incidents?queue=all&order=-updated_at&limit=1",
    "/api/v1/incidents?queue=mine",
    "/api/v1/incidents?queue=unassigned",
    "/api/v1/incidents?queue=all&priority=1&priority=2",
    "/api/v1/incidents?queue=all&team=network",
    "/api/v1/incidents?queue=all&status=resolved",
    "/api/v1/incidents?queue=major",
    "/api/v1/incidents?q=printer",
)


@pytest.fixture
def world(admin_actor, agent_user, always_on, frozen):
    """The demo's teams and 80 incidents, four with hostile titles and texts, one with every
    reference empty and a paused clock; who reads them."""
    one_team, limited = demo_desk(admin_actor, agent_user)
    demo.load(random.Random(7), count=80)
    newest = list(Incident.objects.order_by("-number")[:5])
    network = Team.objects.get(slug="network")
    for incident, text in zip(newest, HOSTILE, strict=False):
        Incident.objects.filter(pk=incident.pk).update(
            title=text[:200],
            description=text * 3,
            resolution_notes=text,
            status="new",
            is_open=True,
            priority=1,
            team=network,
        )
    bare = newest[4]
    Incident.objects.filter(pk=bare.pk).update(
        team=None, assignee=None, category=None, subcategory=None, organisation=None
    )
    paused = SlaClock.objects.filter(object_id=str(bare.pk)).first()
    assert paused is not None
    SlaClock.objects.filter(pk=paused.pk).update(state="paused")
    organisation = factories.OrganisationFactory()
    limited.served_organisations.add(organisation)
    ids = list(Incident.objects.order_by("id").values_list("id", flat=True))
    Incident.objects.filter(id__in=ids[:20]).update(organisation=organisation)
    requester = Incident.objects.order_by("-number").first().caller
    return {
        "agent": agent_user,
        "one team": one_team,
        "limited": limited,
        "requester": requester,
        "admin": factories.admin(username="boss"),
    }


def _answer(api, monkeypatch, path: str, on: bool) -> tuple[bytes, list[str]]:
    monkeypatch.setattr(rows, "DIRECT", on)
    monkeypatch.setattr(compiled, "KEEP_TIMES", on)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return response.content, [q["sql"] for q in ctx.captured_queries]


def _same(api, monkeypatch, path: str) -> dict:
    """The answer with the switches off, then on twice (times read, then kept): equal, in
    the same statements."""
    api.get(path)  # warm: the token, the stamps, the compiled statements
    off, off_sql = _answer(api, monkeypatch, path, False)
    for _ in range(2):
        on, on_sql = _answer(api, monkeypatch, path, True)
        assert on == off, path
        assert on_sql == off_sql, path
    return json.loads(off)


@pytest.mark.parametrize("who", ["agent", "one team", "limited", "requester", "admin"])
def test_the_direct_answer_is_the_mirrors(world, monkeypatch, who):
    api = api_client_for(world[who])
    seen = 0
    for path in PATHS:
        body = _same(api, monkeypatch, path)
        seen += len(body["items"])
        pages = 0
        while body["next"] and pages < 3:  # the next pages, by their cursors
            join = "&" if "?" in path else "?"
            body = _same(api, monkeypatch, f"{path}{join}cursor={body['next']}")
            seen += len(body["items"])
            pages += 1
    assert seen > 40, who  # not vacuous: the queues have rows


def test_hostile_texts_nulls_and_a_paused_clock_are_in_the_answer(world, monkeypatch):
    body = _same(api_client_for(world["admin"]), monkeypatch, "/api/v1/incidents?limit=100")
    titles = {item["title"] for item in body["items"]}
    assert set(HOSTILE) <= titles
    bare = next(i for i in body["items"] if i["team"] is None and i["category"] is None)
    assert bare["assignee"] is None
    assert bare["organisation"] is None
    assert any(clock["paused"] and clock["due_at"] is None for clock in bare["sla"])
    times = [item["resolved_at"] for item in body["items"]]
    assert None in times
    assert any(times)
    assert any(item["opened_at"].endswith("Z") for item in body["items"])
