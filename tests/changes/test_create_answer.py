"""What ``POST /api/v1/changes`` answers (decision 0074): a row keyed as ``ChangeOut`` reads
it, rendered without ninja's getter, byte for byte what ninja rendered from the model
before (``change_created(as_row=False)``, kept as the switch these tests compare with), in
as many statements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from steward.api.rows import row_response
from steward.changes import api as change_api
from steward.changes import selectors
from steward.changes.schemas import ChangeOut
from steward.changes.selectors import created
from steward.changes.services import template_create
from steward.core.actor import Actor
from steward.incidents.services import incident_create
from steward.problems.services import problem_create
from tests import factories
from tests.changes.conftest import HIGH, PLANS, ci, relate, window
from tests.conftest import api_client_for, as_actor

SYSTEM = Actor.system("tests")


@pytest.fixture
def both(monkeypatch):
    """The API answering with ninja's rendering of the model (the path before decision
    0074), while the row the new path builds from the same change object is kept."""
    rows: list[dict] = []

    def model_and_row(actor, change):  # noqa: ANN001, ANN202
        rows.append(created.change_created(actor, change))
        return created.change_created(actor, change, as_row=False)

    monkeypatch.setattr(change_api.selectors, "change_created", model_and_row)
    return rows


def _rendered(row: dict) -> bytes:
    return row_response(HttpResponse(), ChangeOut, row, status=201).content


def _bodies(stack, agent_actor) -> dict[str, dict]:
    start, end = window()
    offset = dt.timezone(dt.timedelta(hours=2))
    incident = incident_create(agent_actor, title="Switch flapping")
    problem = problem_create(agent_actor, title="Switch firmware leaks memory")
    team = factories.TeamFactory(name="Network", members=[agent_actor.user])
    return {
        "bare": {"title": "Bare"},
        "full": {
            "title": "Replace core switch",
            "description": "The old one drops packets.",
            "cis": [stack["server"].number, stack["app"].number, stack["server"].number],
            "incidents": [incident.number],
            "problems": [problem.number],
            "team": team.slug,
            "assignee": agent_actor.user.username,
            # a zone other than UTC: answered as given, as the model path answered it
            "planned_start": start.astimezone(offset).isoformat(),
            "planned_end": end.isoformat().replace("+00:00", "Z"),
            **PLANS,
            "risk_answers": HIGH,
        },
        "emergency": {"title": "Now", "type": "emergency", "cis": [stack["service"].number]},
    }


@pytest.mark.parametrize("case", ["bare", "full", "emergency"])
def test_the_row_is_the_models_answer_byte_for_byte(case, both, agent_api, agent_actor, stack):
    body = _bodies(stack, agent_actor)[case]

    response = agent_api.post("/api/v1/changes", body)

    assert response.status_code == 201, response.content
    (row,) = both
    assert _rendered(row) == response.content
    assert response["ETag"] == f'"{row["version"]}"'


def test_a_standard_change_from_a_template_answers_the_same(both, admin_api, admin_user):
    template = template_create(
        as_actor(admin_user), name="Patch Linux", description="Monthly", **PLANS
    )

    response = admin_api.post("/api/v1/changes", {"title": "Patch", "template": template.slug})

    assert response.status_code == 201, response.content
    (row,) = both
    assert row["template.slug"] == template.slug
    assert row["implementation_plan"] == PLANS["implementation_plan"]
    assert _rendered(row) == response.content


def test_a_limited_agent_is_answered_the_same_without_what_it_may_not_see(db, both):
    """An agent of one organisation (the change's organisation is theirs) whose change
    touches a service of another: neither answer names it, in its links or its reasons."""
    home, away = factories.OrganisationFactory(), factories.OrganisationFactory()
    agent = factories.agent(username="limited-creator", organisation=home)
    agent.served_organisations.set([home])
    service = ci("business_service", name="Payroll", organisation=away.slug, criticality=1)
    server = ci("server", name="pay-srv", organisation=home.slug)
    relate(service, server)

    response = api_client_for(agent).post(
        "/api/v1/changes", {"title": "Patch pay-srv", "cis": [server.number]}
    )

    assert response.status_code == 201, response.content
    (row,) = both
    assert row["organisation.slug"] == home.slug
    assert row["impacted_services"] == []
    assert service.number not in str(row)
    assert row["risk_reasons"][0].endswith("a CI you cannot see is critical")
    assert _rendered(row) == response.content


def test_the_api_answers_the_row_in_as_many_statements_as_the_model(
    monkeypatch, agent_api, agent_actor, stack
):
    """The row path renders with ``row_response`` (not ninja's getter) and runs the same
    statements as the model path: 12 for a change on two CIs (as
    ``test_api.test_the_create_answer_is_what_a_get_shows_without_reading_it_back`` counts
    them), on both databases."""
    rendered = []
    monkeypatch.setattr(
        change_api,
        "row_response",
        lambda *args, **kwargs: rendered.append(args) or row_response(*args, **kwargs),
    )
    cis = [stack["server"].number, stack["app"].number]
    agent_api.post("/api/v1/changes", {"title": "warm", "cis": cis})  # first-use caches
    counts = {}
    for path in ("row", "model"):
        if path == "model":
            monkeypatch.setattr(
                change_api.selectors,
                "change_created",
                lambda actor, change: created.change_created(actor, change, as_row=False),
            )
        with CaptureQueriesContext(connection) as ctx:
            response = agent_api.post("/api/v1/changes", {"title": path, "cis": cis})
        assert response.status_code == 201, response.content
        counts[path] = len(ctx.captured_queries)
    assert len(rendered) == 2  # the warm-up's and the row path's: ninja renders the model's
    assert counts["row"] == counts["model"], counts
    assert counts["row"] == 12, counts


def test_an_idempotent_retry_answers_the_first_change(agent_api, stack):
    body = {"title": "Once", "cis": [stack["server"].number]}
    key = {"Idempotency-Key": "chg-once"}

    first = agent_api.post("/api/v1/changes", body, headers=key)
    again = agent_api.post("/api/v1/changes", body, headers=key)

    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()


def test_the_row_has_every_key_the_schema_reads():
    """A field added to ``ChangeOut`` must be added to the row (``created.KEYS``): the
    mirror would fill an optional one with its default and say nothing."""
    assert sorted(created.KEYS) == sorted(f.alias or n for n, f in ChangeOut.model_fields.items())


def test_the_selector_answers_a_model_without_the_creates_links(agent_actor, new_change):
    """A change read back (an idempotent retry's) has no ``created_links``: ``change_get``'s
    model, rendered by ninja as before."""
    change = new_change()
    del change.created_links

    shown = selectors.change_created(agent_actor, change)

    assert not isinstance(shown, dict)
    assert shown.number == change.number
