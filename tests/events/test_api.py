"""The events API: ingest answers (201 new, 200 repeat), 422s naming the field for any bad
event (never a 500), agents only, and the alert reads and actions, 404 to requesters."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.events.models import Alert
from steward.problems.services import problem_create
from tests import factories
from tests.conftest import api_client_for
from tests.events.conftest import event

pytestmark = pytest.mark.django_db
STATEMENTS = 6  # cache stamp, savepoint, locked read, update, release, read back


@pytest.fixture
def monitor_api():
    return api_client_for(factories.agent(username="zabbix-bot"), scopes=("write",))


def test_ingest_answers_created_then_updated(monitor_api):
    first = monitor_api.post("/api/v1/events", event())
    again = monitor_api.post("/api/v1/events", event(severity="minor"))

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    body = again.json()
    assert body["outcome"] == "updated"
    assert (body["alert"]["count"], body["alert"]["severity"]) == (2, "minor")
    assert body["alert"]["id"] == first.json()["alert"]["id"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("severity", "fatal"),
        ("severity", None),
        ("node", None),
        ("summary", "x" * 100_000),
        ("node", "web\u000001"),
        ("resource", ["a"]),
        ("details", {"a": "\u0000"}),
        ("details", "text"),
        ("key", "k" * 2049),
        ("node", "n" * 2049),
    ],
)
def test_a_bad_event_is_a_422_naming_its_field(monitor_api, field, value):
    response = monitor_api.post("/api/v1/events", event(**{field: value}))

    assert response.status_code == 422, response.content
    named = response.json()["error"]["fields"]
    assert [n for n in named if n == field or n.startswith(f"{field}.")], named
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("details", '{"a": NaN}'),
        ("details", '{"a": -Infinity}'),
        ("details", '{"a": "\\ud800"}'),
        ("details", '{"\\udc00": 1}'),
        ("key", '"\\udc00"'),
        ("node", '"web\\ud83d01"'),
    ],
)
def test_nan_and_lone_surrogates_are_a_422_not_a_500(monitor_api, field, raw):
    """Python's JSON reader takes NaN and lone surrogate escapes; neither may reach the
    fingerprint's hash or a database."""
    fields = {k: v for k, v in event().items() if k != field}
    body = json.dumps(fields)[:-1] + f', "{field}": {raw}}}'

    response = monitor_api.post("/api/v1/events", body)

    assert response.status_code == 422, response.content
    named = list(response.json()["error"]["fields"])  # the field, or the path inside it
    assert len(named) == 1, named
    assert named[0] == field or named[0].startswith(f"{field}."), named
    assert not Alert.objects.exists()


def test_a_node_longer_than_its_column_is_taken_cut_and_whole_in_the_details(monitor_api):
    """A host name past 255 characters was a 422: the event was lost. It is taken, cut to
    the column, whole in ``details["steward.node"]``; its repeat joins the alert."""
    node = "db-" + "x" * 400 + ".example.com"

    first = monitor_api.post("/api/v1/events", event(node=node))
    again = monitor_api.post("/api/v1/events", event(node=node))

    assert first.status_code == 201, first.content
    assert again.json()["outcome"] == "updated"
    body = again.json()["alert"]
    assert (body["id"], body["count"]) == (first.json()["alert"]["id"], 2)
    assert body["node"] == node[:254] + "\u2026"
    assert body["details"] == {"steward.node": node}


def test_a_missing_field_and_an_unknown_one_are_named(monitor_api):
    body = event()
    del body["summary"]
    body["colour"] = "red"

    response = monitor_api.post("/api/v1/events", body)

    assert response.status_code == 422
    assert {"summary", "colour"} <= set(response.json()["error"]["fields"])


def test_requesters_and_read_tokens_may_not_send(requester_api):
    reader = api_client_for(factories.agent(), scopes=("read",))

    assert requester_api.post("/api/v1/events", event()).status_code == 403
    assert reader.post("/api/v1/events", event()).status_code == 403


def test_alert_reads_and_actions_are_404_to_requesters(monitor_api, requester_api, agent_api):
    alert = monitor_api.post("/api/v1/events", event()).json()["alert"]["id"]

    assert requester_api.get("/api/v1/alerts").json()["items"] == []
    assert requester_api.get(f"/api/v1/alerts/{alert}").status_code == 404
    assert requester_api.post(f"/api/v1/alerts/{alert}/acknowledge").status_code == 404
    assert requester_api.post(f"/api/v1/alerts/{alert}/close").status_code == 404
    assert agent_api.get("/api/v1/alerts/not-a-number").status_code == 404


def test_agents_acknowledge_and_close(monitor_api, agent_api):
    alert = monitor_api.post("/api/v1/events", event()).json()["alert"]["id"]

    acked = agent_api.post(f"/api/v1/alerts/{alert}/acknowledge")
    again = agent_api.post(f"/api/v1/alerts/{alert}/acknowledge")
    closed = agent_api.post(f"/api/v1/alerts/{alert}/close")

    assert acked.status_code == 200
    assert acked.json()["state"] == "acknowledged"
    assert again.status_code == 409
    assert closed.json()["state"] == "closed"
    assert agent_api.get("/api/v1/alerts").json()["items"] == []
    assert len(agent_api.get("/api/v1/alerts?state=closed").json()["items"]) == 1


def test_a_repeat_costs_a_fixed_number_of_statements(monitor_api):
    """Ingest of a repeat: token, the locked read, the update and the read back; not
    more with more alerts or more occurrences."""
    monitor_api.post("/api/v1/events", event())
    for n in range(5):
        monitor_api.post("/api/v1/events", event(node=f"other{n}"))
    monitor_api.post("/api/v1/events", event())  # warm: the token's use is kept per process

    with CaptureQueriesContext(connection) as captured:
        response = monitor_api.post("/api/v1/events", event())

    assert response.status_code == 200
    assert len(captured) <= STATEMENTS, [q["sql"][:120] for q in captured]


def test_requesters_get_the_alert_list_as_other_agents_only_lists(
    monitor_api, requester_api, agent_actor
):
    """Alerts answer a requester as problems and CI classes do (agents' records, decision
    0095): 200 with an empty page, not a 403 or 404 that other lists do not give."""
    monitor_api.post("/api/v1/events", event())
    problem_create(agent_actor, title="VPN tunnel drops")
    urls = ("/api/v1/alerts", "/api/v1/problems", "/api/v1/ci-classes")

    answers = [(url, *_answer(requester_api.get(url))) for url in urls]

    assert answers == [(url, 200, {"items": [], "next": None}) for url in urls]
    assert agent_api_sees_them(agent_actor) == (1, 1)


def _answer(response) -> tuple[int, dict]:
    return response.status_code, response.json()


def agent_api_sees_them(agent_actor) -> tuple[int, int]:
    """The lists are not empty: an agent sees the alert and the problem."""
    agent = api_client_for(agent_actor.user)
    return tuple(
        len(agent.get(url).json()["items"]) for url in ("/api/v1/alerts", "/api/v1/problems")
    )
