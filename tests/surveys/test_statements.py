"""Surveys cost the incident's resolve nothing: the invitation is made by the worker from the
``incident.resolved`` event the resolve already writes, so the resolve's statements are the
same with surveys on or off; the worker's share is a constant, however many surveys exist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core import outbox
from steward.incidents.services import incident_create
from steward.surveys.models import Survey
from tests.conftest import api_client_for
from tests.surveys.conftest import settle

pytestmark = pytest.mark.django_db


def counted(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def resolve_over_the_api(api, agent_actor, caller):
    incident = incident_create(agent_actor, title="VPN drops", caller=caller.username, team="desk")
    settle()
    body = {"status": "resolved", "resolution_code": "solved", "resolution_notes": "Fixed."}

    def call():
        response = api.patch(f"/api/v1/incidents/{incident.number}", body)
        assert response.status_code == 200, response.content

    return call


def test_the_resolve_costs_the_same_with_surveys_on_or_off(
    agent_user, agent_actor, caller, desk, configure
):
    api = api_client_for(agent_user)
    resolve_over_the_api(api, agent_actor, caller)()  # the process's caches filled
    on = counted(resolve_over_the_api(api, agent_actor, caller))
    configure(is_enabled=False)
    off = counted(resolve_over_the_api(api, agent_actor, caller))
    assert on == off


def test_the_workers_invitation_costs_a_constant(agent_user, agent_actor, caller, desk):
    api = api_client_for(agent_user)
    costs = []
    for _ in range(4):
        resolve_over_the_api(api, agent_actor, caller)()
        costs.append(counted(outbox.dispatch_pending))  # incident.resolved: the survey
        costs.append(counted(outbox.dispatch_pending))  # survey.invited: its mail
    assert Survey.objects.count() == 4
    assert len(set(costs[2::2])) == 1, costs  # the same for the 2nd, 3rd and 4th
    assert len(set(costs[3::2])) == 1, costs
