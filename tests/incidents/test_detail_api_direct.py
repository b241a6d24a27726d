"""One incident and its activity over the API written directly from their rows (decision
0084): ``GET /api/v1/incidents/{number}`` and ``GET …/{number}/comments`` answer, with
``steward.api.rows.DIRECT`` on, the bytes ninja's own path gives with it off (the schema
validating the row behind its getter), in the same statements and with the same headers:
an agent, an administrator, an agent limited to an organisation and the requester who owns
the incident (both ninja's path still), a requester who does not (a 404), an absent number;
titles, texts and comments with markup, quotes, backslashes, control characters and other
scripts; references, times and a comment's author that are null; a paused clock. The
activity of an incident is read in one statement with its number; an incident without
comments, or no incident, takes one more to tell them apart."""

from __future__ import annotations

import random

import ninja.schema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.api import rows
from steward.api.http import page_of
from steward.core.models import Comment
from steward.core.schemas import ClockOut, CommentOut
from steward.core.services.activity import comment_add
from steward.incidents import demo
from steward.incidents.models import Incident
from steward.incidents.schemas import IncidentOut
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
# the stamps and the page of comments read by the incident's number
ACTIVITY = 2
# the same, then the incident by number: no comments (a page of none) or no incident (404)
ACTIVITY_NONE = 3


@pytest.fixture
def world(admin_actor, agent_user, always_on, frozen):
    """The demo's teams and 30 incidents: four with hostile titles, texts and comments (one
    comment's author removed, work notes among them), one with every reference empty and a
    paused clock, one with no comments; who reads them."""
    _one_team, limited = demo_desk(admin_actor, agent_user)
    demo.load(random.Random(7), count=30)
    newest = list(Incident.objects.order_by("-number")[:6])
    for incident, text in zip(newest, HOSTILE, strict=False):
        Incident.objects.filter(pk=incident.pk).update(
            title=text[:200], description=text * 3, resolution_notes=text
        )
        for internal in (False, True):
            comment_add(admin_actor, target=incident, body=text, internal=internal)
    Comment.objects.filter(object_id=str(newest[0].pk)).update(author=None)
    bare = newest[4]
    Incident.objects.filter(pk=bare.pk).update(
        team=None, assignee=None, category=None, subcategory=None, organisation=None, parent=None
    )
    paused = SlaClock.objects.filter(object_id=str(bare.pk)).first()
    assert paused is not None
    SlaClock.objects.filter(pk=paused.pk).update(state="paused")
    silent = newest[5]
    Comment.objects.filter(object_id=str(silent.pk)).delete()
    organisation = factories.OrganisationFactory()
    limited.served_organisations.add(organisation)
    Incident.objects.filter(pk__in=[i.pk for i in newest[:3]]).update(organisation=organisation)
    owner = newest[1].caller
    stranger = factories.requester(username="stranger")
    return {
        "incidents": [i.number for i in newest],
        "owned": newest[1].number,
        "bare": bare.number,
        "silent": silent.number,
        "readers": {
            "agent": agent_user,
            "limited": limited,
            "owner": owner,
            "stranger": stranger,
            "admin": factories.admin(username="boss"),
        },
    }


def _answer(api, monkeypatch, path: str, on: bool) -> tuple[int, bytes, dict, list[str]]:
    monkeypatch.setattr(rows, "DIRECT", on)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path)
    headers = dict(response.headers)
    return response.status_code, response.content, headers, [q["sql"] for q in ctx.captured_queries]


def _same(api, monkeypatch, path: str) -> tuple[int, bytes]:
    """The answer with the switch off (ninja's path), then on twice: equal bytes, headers
    and statements."""
    api.get(path)  # warm: the token, the stamps, the compiled statements
    off = _answer(api, monkeypatch, path, False)
    for _ in range(2):
        assert _answer(api, monkeypatch, path, True) == off, path
    return off[0], off[1]


def _paths(number: str) -> list[str]:
    return [
        f"/api/v1/incidents/{number}",
        f"/api/v1/incidents/{number}/comments",
        f"/api/v1/incidents/{number}/comments?limit=1",
        f"/api/v1/incidents/{number}/comments?limit=2",
    ]


@pytest.mark.parametrize("who", ["agent", "limited", "owner", "stranger", "admin"])
def test_the_direct_answer_is_ninjas(world, monkeypatch, who):
    api = api_client_for(world["readers"][who])
    statuses = []
    for number in [*world["incidents"], "INC9999999"]:
        for path in _paths(number):
            status, body = _same(api, monkeypatch, path)
            statuses.append(status)
            assert status in (200, 404), (path, body[:300])
    if who in ("agent", "admin"):
        assert statuses.count(200) == len(world["incidents"]) * 4  # not vacuous
    if who == "stranger":
        assert set(statuses) == {404}
    if who == "owner":  # the one incident they called in
        assert statuses.count(200) >= 4


def test_hostile_texts_and_nulls_are_in_the_answer(world, monkeypatch):
    api = api_client_for(world["readers"]["admin"])
    titles, bodies, authors = set(), set(), []
    for number in world["incidents"][:4]:
        titles.add(api.get(f"/api/v1/incidents/{number}").json()["title"])
        for item in api.get(f"/api/v1/incidents/{number}/comments").json()["items"]:
            bodies.add(item["body"])
            authors.append(item["author"])
    assert titles == set(HOSTILE)
    assert set(HOSTILE) <= bodies
    assert None in authors
    assert any(authors)
    bare = api.get(f"/api/v1/incidents/{world['bare']}").json()
    assert bare["team"] is bare["assignee"] is bare["category"] is bare["parent"] is None
    assert bare["organisation"] is None
    assert any(clock["paused"] and clock["due_at"] is None for clock in bare["sla"])
    assert bare["opened_at"].endswith("Z")
    silent = api.get(f"/api/v1/incidents/{world['silent']}/comments").json()
    assert silent == {"items": [], "next": None}


def test_the_direct_answer_skips_ninjas_getter(world, monkeypatch):
    """With the switch on, neither answer is validated through ninja's getter (which only
    reads the query's parameters then)."""
    api = api_client_for(world["readers"]["agent"])
    number = world["incidents"][0]
    for path in _paths(number):
        assert api.get(path).status_code == 200
    wrapped = []
    original = ninja.schema.DjangoGetter.__init__

    def noted(self, obj, schema_cls, *args, **kwargs):
        wrapped.append(schema_cls)
        original(self, obj, schema_cls, *args, **kwargs)

    monkeypatch.setattr(ninja.schema.DjangoGetter, "__init__", noted)
    for path in _paths(number):
        assert api.get(path).status_code == 200, path
    answers = {IncidentOut, CommentOut, ClockOut, page_of(CommentOut)}
    assert not answers & set(wrapped), wrapped
    monkeypatch.setattr(rows, "DIRECT", False)  # the reference path: ninja's
    for path in _paths(number):
        assert api.get(path).status_code == 200, path
    assert {IncidentOut, CommentOut, page_of(CommentOut)} <= set(wrapped), wrapped


@pytest.mark.parametrize(
    ("which", "status", "expected"),
    [("talked", 200, ACTIVITY), ("silent", 200, ACTIVITY_NONE), ("absent", 404, ACTIVITY_NONE)],
)
def test_the_activitys_statements(world, which, status, expected):
    api = api_client_for(world["readers"]["agent"])
    number = {
        "talked": world["incidents"][0],
        "silent": world["silent"],
        "absent": "INC9999999",
    }[which]
    path = f"/api/v1/incidents/{number}/comments"
    api.get(path)  # the first request of a process fills its caches
    for query in ({}, {"limit": 2}):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path, query)
        assert response.status_code == status
        assert len(captured.captured_queries) == expected, [
            q["sql"] for q in captured.captured_queries
        ]


def test_a_requester_reads_no_work_notes_over_the_direct_path(world):
    owner = world["readers"]["owner"]
    api = api_client_for(owner)
    items = api.get(f"/api/v1/incidents/{world['owned']}/comments").json()["items"]
    assert items
    assert not any(item["internal"] for item in items)
