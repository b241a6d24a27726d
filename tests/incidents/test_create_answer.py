"""The create's answer (``POST /incidents``) is built from what ``incident_create`` returned
and rendered without ninja's getter (``steward.api.rows.row_response``, decision 0065): byte
for byte what ninja renders from the same incident, for every reference and every kind of
actor, and what a GET of the record then shows."""

from __future__ import annotations

import json

import pytest
from ninja.responses import NinjaJSONEncoder

from steward.api.rows import row_response
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.incidents import selectors
from steward.incidents.schemas import IncidentOut
from steward.incidents.services import category_create, incident_create
from tests import factories
from tests.conftest import api_client_for, as_actor

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


class _Response:
    content: bytes = b""
    status_code: int = 200


@pytest.fixture
def refs(admin_actor, desk, always_on):
    """Everything a create may name: a caller with an organisation, a category and its
    subcategory, a business service, a CI, a parent."""
    organisation = factories.OrganisationFactory(name="Acme", slug="acme")
    caller = factories.requester(username="acme-caller", organisation=organisation)
    category = category_create(admin_actor, name="Answer network")
    sub = category_create(admin_actor, name="Answer wifi", parent=category.slug)
    service = ci_create(SYSTEM, name="Web shop", ci_class="business_service")
    server = ci_create(SYSTEM, name="web-1", ci_class="server", attributes={"fqdn": "w.example"})
    parent = incident_create(admin_actor, title="Outage", is_major=True, team="desk")
    return {
        "caller": caller,
        "full": {
            "description": "since 9",
            "caller": caller.username,
            "category": category.slug,
            "subcategory": sub.slug,
            "impact": 1,
            "urgency": 2,
            "team": "desk",
            "parent": parent.number,
            "affected_service": service.number,
            "configuration_item": server.number,
            "is_major": True,
        },
        "assigned": {"team": "desk", "assignee": "agent1", "channel": "phone"},
        "bare": {},
    }


def ninja_renders(incident, clocks) -> bytes:  # noqa: ANN001
    """What ninja's operation does with the returned model: ``IncidentOut``'s validation
    through its getter, ``model_dump()`` and its renderer's encoder."""
    incident.sla_clocks = clocks
    dumped = IncidentOut.model_validate(incident).model_dump()
    return json.dumps(dumped, cls=NinjaJSONEncoder).encode()


@pytest.mark.parametrize("fields", ["full", "assigned", "bare"])
@pytest.mark.parametrize("who", ["admin", "agent", "system", "requester"])
def test_the_answer_renders_as_ninja_renders_the_model(refs, admin_actor, agent_actor, who, fields):
    actor = {
        "admin": admin_actor,
        "agent": agent_actor,
        "system": SYSTEM,
        "requester": as_actor(refs["caller"]),
    }[who]
    values = dict(refs[fields])
    if who == "requester":  # a requester logs for themselves, and names no agent's fields
        values = {k: v for k, v in values.items() if k in ("description", "impact", "category")}
    elif who == "system" and "caller" not in values:
        values["caller"] = refs["caller"].username
    incident = incident_create(actor, title="Shop is slow", **values)
    row = selectors.incident_created(actor, incident)
    assert isinstance(row, dict)  # built from the service's objects, not read back
    assert len(row["sla_clocks"]) == 2
    rendered = row_response(_Response(), IncidentOut, row, status=201)
    assert rendered.status_code == 201
    assert rendered.content.encode() == ninja_renders(incident, row["sla_clocks"])


def test_the_api_answers_the_row_and_a_read_shows_the_same(refs, agent_user):
    api = api_client_for(agent_user)
    created = api.post("/api/v1/incidents", {"title": "Shop is slow", **refs["full"]})
    assert created.status_code == 201, created.content
    assert created["Content-Type"] == "application/json; charset=utf-8"
    body = created.json()
    read = api.get(f"/api/v1/incidents/{body['number']}")
    assert created["ETag"] == read["ETag"] == f'"{body["version"]}"'
    answers = [body, read.json()]
    for answer in answers:  # elapsed and time left count from each request's "now"
        for clock in answer["sla"]:
            clock.pop("elapsed_seconds"), clock.pop("time_left_seconds")
    assert answers[0] == answers[1]
    assert answers[0]["caller"] == "acme-caller"
    assert answers[0]["organisation"] == "acme"
    assert answers[0]["affected_service"].startswith("CI")


def test_an_idempotent_retry_answers_the_first_record_read_back(refs, agent_user):
    api = api_client_for(agent_user)
    headers = {"HTTP_IDEMPOTENCY_KEY": "answer-once"}
    first = api.post("/api/v1/incidents", {"title": "Once", **refs["assigned"]}, **headers)
    again = api.post("/api/v1/incidents", {"title": "Once", **refs["assigned"]}, **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert first.json()["assignee"] == again.json()["assignee"] == "agent1"
