"""The incidents API: DESIGN §6 conventions on a real record type."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import api_client_for, as_actor

pytestmark = pytest.mark.django_db


def new(api, **kw):
    kw.setdefault("title", "Printer on floor 3 jams")
    response = api.post("/api/v1/incidents", kw)
    assert response.status_code == 201, response.content
    return response.json()


def test_create_read_patch_round_trip(agent_api, desk):
    body = new(agent_api, impact=1, urgency=2, team="desk")
    assert (body["number"], body["priority"], body["status"]) == ("INC0000001", 2, "assigned")
    got = agent_api.get(f"/api/v1/incidents/{body['number']}")
    assert got["ETag"] == '"1"'
    patched = agent_api.patch(
        f"/api/v1/incidents/{body['number']}",
        {"status": "in_progress", "assignee": "agent1"},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["status"], patched["ETag"]) == ("in_progress", '"2"')


def test_illegal_transition_is_409_with_allowed_states(agent_api):
    number = new(agent_api)["number"]
    response = agent_api.patch(f"/api/v1/incidents/{number}", {"status": "closed"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["allowed"] == ["assigned", "in_progress", "on_hold", "resolved", "cancelled"]


def test_missing_transition_fields_are_422(agent_api):
    number = new(agent_api)["number"]
    response = agent_api.patch(f"/api/v1/incidents/{number}", {"status": "resolved"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"resolution_code", "resolution_notes"}


def test_stale_version_is_412(agent_api):
    number = new(agent_api)["number"]
    agent_api.patch(f"/api/v1/incidents/{number}", {"title": "v2"})
    response = agent_api.patch(
        f"/api/v1/incidents/{number}", {"title": "v3"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 412
    assert Incident.objects.get(number=number).title == "v2"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"priority": 9}, "priority"),
        ({"impact": "high"}, "impact"),
        ({"category": "unknown"}, "category"),
    ],
)
def test_bad_fields_are_422(agent_api, payload, field):
    number = new(agent_api)["number"]
    response = agent_api.patch(f"/api/v1/incidents/{number}", payload)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_requester_gets_404_for_another_requesters_incident(requester_user):
    other = factories.requester()
    theirs = incident_create(as_actor(other), title="my laptop")
    client = api_client_for(requester_user)
    hidden = client.get(f"/api/v1/incidents/{theirs.number}")
    absent = client.get("/api/v1/incidents/INC9999999")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.content == absent.content
    assert client.get("/api/v1/incidents").json()["items"] == []


def test_comments_respect_visibility(agent_api, requester_user):
    number = incident_create(as_actor(requester_user), title="slow wifi").number
    agent_api.post(
        f"/api/v1/incidents/{number}/comments", {"body": "AP 12 is down", "internal": True}
    )
    agent_api.post(f"/api/v1/incidents/{number}/comments", {"body": "We are **on it**"})
    page = api_client_for(requester_user).get(f"/api/v1/incidents/{number}/comments").json()
    assert page["next"] is None
    mine = page["items"]
    assert [c["body"] for c in mine] == ["We are **on it**"]
    assert mine[0]["body_html"] == "<p>We are <strong>on it</strong></p>"


def test_idempotency_key_returns_the_first_incident(agent_api):
    headers = {"Idempotency-Key": "monitoring-alert-42"}
    first = agent_api.post("/api/v1/incidents", {"title": "Disk full"}, headers=headers)
    again = agent_api.post("/api/v1/incidents", {"title": "Disk full"}, headers=headers)
    assert first.json()["number"] == again.json()["number"]
    assert Incident.objects.count() == 1


def test_filters_and_cursor_walk(agent_api, desk):
    for i in range(7):
        new(
            agent_api,
            title=f"issue {i}",
            impact=1 + i % 3,
            urgency=1 + i % 3,
            team="desk" if i % 2 else None,
        )
    seen, cursor = [], None
    while True:
        params = {"limit": 3, "queue": "open"} | ({"cursor": cursor} if cursor else {})
        page = agent_api.get("/api/v1/incidents", params).json()
        seen += [(i["priority"], i["number"]) for i in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == 7
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)
    team_only = agent_api.get("/api/v1/incidents", {"team": "desk"}).json()["items"]
    assert {i["team"] for i in team_only} == {"desk"}
    assert len(team_only) == 3
    assert len(agent_api.get("/api/v1/incidents", {"priority": [1]}).json()["items"]) == 3
    assert agent_api.get("/api/v1/incidents", {"queue": "bogus"}).status_code == 422


def test_list_query_count_does_not_grow_with_rows(agent_api, desk):
    def count_for(n):
        for i in range(n):
            new(
                agent_api,
                title=f"t{i}",
                team="desk",
                assignee="agent1",
                category="network",
                subcategory="network-vpn",
            )
        with CaptureQueriesContext(connection) as ctx:
            assert agent_api.get("/api/v1/incidents", {"limit": 500}).status_code == 200
        return len(ctx.captured_queries)

    small = count_for(2)
    large = count_for(25)
    assert small == large
    assert large <= 8


def test_comments_are_paged(agent_api):
    number = new(agent_api)["number"]
    for i in range(3):
        agent_api.post(f"/api/v1/incidents/{number}/comments", {"body": f"note {i}"})
    first = agent_api.get(f"/api/v1/incidents/{number}/comments", {"limit": 2}).json()
    rest = agent_api.get(
        f"/api/v1/incidents/{number}/comments", {"limit": 2, "cursor": first["next"]}
    ).json()
    assert [c["body"] for c in first["items"] + rest["items"]] == ["note 0", "note 1", "note 2"]
    assert rest["next"] is None


def test_attachments_on_an_incident(agent_api, requester_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    number = incident_create(as_actor(requester_user), title="screen flickers").number
    upload = agent_api.post(
        f"/api/v1/incidents/{number}/attachments",
        {"file": SimpleUploadedFile("log.txt", b"flicker at 10:02")},
        content_type=MULTIPART_CONTENT,
    )
    assert upload.status_code == 201, upload.content
    listed = agent_api.get(f"/api/v1/incidents/{number}/attachments").json()
    assert [a["filename"] for a in listed["items"]] == ["log.txt"]
    other = api_client_for(factories.requester())
    assert other.get(f"/api/v1/incidents/{number}/attachments").status_code == 404


@pytest.mark.parametrize("value", ["0", "6", "99999999999999999999"])
def test_priority_filter_out_of_range_is_422(agent_api, value):
    response = agent_api.get("/api/v1/incidents", {"priority": value})
    assert response.status_code == 422
    assert "priority" in response.json()["error"]["fields"]
