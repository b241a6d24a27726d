"""The /api/v1/problems routes beyond the generic contract: transitions, links, comments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import MULTIPART_CONTENT
from django.test.utils import CaptureQueriesContext

from steward.core.services import team_create
from steward.problems.models import Problem, ProblemIncident
from steward.problems.services import problem_create
from tests.conftest import as_actor


def test_create_read_and_move_through_the_flow(agent_api):
    created = agent_api.post("/api/v1/problems", {"title": "Mail queue stalls", "impact": 1})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created["ETag"] == '"1"'

    moved = agent_api.patch(
        f"/api/v1/problems/{number}", {"status": "investigating"}, headers={"If-Match": '"1"'}
    )
    assert moved.status_code == 200
    assert moved.json()["status"] == "investigating"

    refused = agent_api.patch(f"/api/v1/problems/{number}", {"status": "closed"})
    assert refused.status_code == 409
    assert refused.json()["error"]["allowed"] == ["known_error", "resolved", "cancelled"]

    missing = agent_api.patch(f"/api/v1/problems/{number}", {"status": "resolved"})
    assert missing.status_code == 422
    assert set(missing.json()["error"]["fields"]) == {"root_cause", "resolution_notes"}

    published = agent_api.patch(
        f"/api/v1/problems/{number}", {"status": "known_error", "workaround": "Flush the queue."}
    )
    assert published.json()["status"] == "known_error"
    listed = agent_api.get("/api/v1/problems", {"known_error": "true"}).json()
    assert [p["number"] for p in listed["items"]] == [number]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x", "impact": 9}, "impact"),
        ({"title": "x", "team": "nope"}, "team"),
        ({"title": "x", "configuration_item": "CI0000000"}, "configuration_item"),
        ({"from_incident": "INC9999999"}, "from_incident"),
        ({"title": "x", "status": "closed"}, "status"),
        ({}, "title"),
    ],
)
def test_bad_create_is_422_naming_the_field(agent_api, body, field):
    response = agent_api.post("/api/v1/problems", body)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not Problem.objects.exists()


def test_link_list_and_unlink_incidents(agent_api, agent_actor, make_incident):
    problem = problem_create(agent_actor, title="VPN")
    incident = make_incident()
    url = f"/api/v1/problems/{problem.number}/incidents"

    linked = agent_api.post(url, {"incident": incident.number})
    twice = agent_api.post(url, {"incident": incident.number})
    listed = agent_api.get(url)
    bad = agent_api.post(url, {"incident": "INC9999999"})
    unlinked = agent_api.delete(f"{url}/{incident.number}")
    again = agent_api.delete(f"{url}/{incident.number}")

    assert linked.status_code == 201
    assert linked.json()["number"] == incident.number
    assert twice.status_code == 409
    assert twice.json()["error"]["fields"]["incident"] == [
        f"{incident.number} is already linked to {problem.number}."
    ]
    assert [i["number"] for i in listed.json()["items"]] == [incident.number]
    assert bad.status_code == 422
    assert "incident" in bad.json()["error"]["fields"]
    assert unlinked.status_code == 204
    assert again.status_code == 404
    assert not ProblemIncident.objects.exists()


def test_agents_add_and_list_notes_that_requesters_cannot_read(
    agent_api, agent_actor, requester_api
):
    problem = problem_create(agent_actor, title="VPN")
    url = f"/api/v1/problems/{problem.number}/comments"

    posted = agent_api.post(url, {"body": "Vendor ticket opened", "internal": True})
    listed = agent_api.get(url)
    hidden = requester_api.get(url)

    assert posted.status_code == 201
    assert [c["body"] for c in listed.json()["items"]] == ["Vendor ticket opened"]
    assert hidden.status_code == 404


def test_requesters_see_no_problems(requester_api, agent_actor):
    problem = problem_create(agent_actor, title="VPN")

    assert requester_api.get("/api/v1/problems").json()["items"] == []
    assert requester_api.get(f"/api/v1/problems/{problem.number}").status_code == 404
    assert requester_api.post("/api/v1/problems", {"title": "x"}).status_code == 403


def _count_list_queries(client, limit):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/problems", {"limit": limit})
    assert response.status_code == 200
    assert len(response.json()["items"]) == limit
    return len(queries)


def test_list_query_count_does_not_grow_with_the_page(agent_api, agent_user, make_ci):
    actor = as_actor(agent_user)
    ci = make_ci("srv-1")
    for n in range(12):
        problem_create(
            actor, title=f"P{n}", configuration_item=ci.number, affected_service=ci.number
        )

    _count_list_queries(agent_api, 1)  # warm: the token's first use writes its last-used time

    assert _count_list_queries(agent_api, 2) == _count_list_queries(agent_api, 12)


def test_queues_mine_and_my_teams(agent_api, agent_actor, agent_user, admin_actor):
    team_create(admin_actor, name="Problem desk", slug="pdesk", members=[agent_user.username])
    mine = problem_create(agent_actor, title="Mine", assignee=agent_user.username)
    teams = problem_create(agent_actor, title="Team's", team="pdesk")
    problem_create(agent_actor, title="Nobody's")

    def numbers(queue):
        return [
            p["number"] for p in agent_api.get("/api/v1/problems", {"queue": queue}).json()["items"]
        ]

    assert numbers("mine") == [mine.number]
    assert numbers("my_teams") == [teams.number]
    assert len(numbers("open")) == 3


def test_attachments_on_a_problem(agent_api, agent_actor, requester_api):
    problem = problem_create(agent_actor, title="Crash dumps")
    url = f"/api/v1/problems/{problem.number}/attachments"

    upload = agent_api.post(
        url, {"file": SimpleUploadedFile("dump.txt", b"core dump")}, content_type=MULTIPART_CONTENT
    )
    listed = agent_api.get(url)

    assert upload.status_code == 201, upload.content
    assert [a["filename"] for a in listed.json()["items"]] == ["dump.txt"]
    assert requester_api.get(url).status_code == 404


def test_empty_filter_values_list_everything(agent_api, agent_actor):
    numbers = {problem_create(agent_actor, title=t).number for t in ("VPN", "Mail", "Printer")}

    response = agent_api.get(
        "/api/v1/problems?queue=&status=&priority=&team=&known_error=&q=&cursor=&limit="
    )

    assert response.status_code == 200, response.content
    assert {p["number"] for p in response.json()["items"]} == numbers


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("queue=nope", "queue"),
        ("status=new&status=nope", "status"),
        ("priority=abc", "priority"),
        ("priority=%D9%A1", "priority"),
        ("priority=6", "priority"),
        ("known_error=maybe", "known_error"),
    ],
)
def test_an_unknown_filter_value_is_422_naming_exactly_that_field(agent_api, query, field):
    response = agent_api.get(f"/api/v1/problems?{query}")

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_note_is_internal_unless_said_otherwise_and_the_api_document_says_so(
    agent_api, agent_actor
):
    problem = problem_create(agent_actor, title="Notes default")

    posted = agent_api.post(f"/api/v1/problems/{problem.number}/comments", {"body": "Seen"})

    assert posted.status_code == 201, posted.content
    assert posted.json()["internal"] is True
    document = agent_api.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/problems/{number}/comments"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    shape = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert shape["properties"]["internal"]["default"] is True
