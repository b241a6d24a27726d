"""The rules API: administrators write, agents read, requesters see nothing; every bad part
of a rule is a 422 naming it; versions guard edits; a dry run writes nothing."""

from __future__ import annotations

import pytest

from steward.automation.models import Rule, RuleRun
from steward.incidents.models import Incident
from steward.incidents.services import incident_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/automation/rules"
GOOD = {
    "name": "Route VPN",
    "conditions": [{"field": "title", "operator": "contains", "value": "VPN"}],
    "actions": [{"action": "assign_team", "value": "network"}],
}


def create(api, **overrides):
    return api.post(URL, {**GOOD, **overrides})


def errors(response) -> dict:
    assert response.status_code == 422, response.content
    return response.json()["error"]["fields"]


def test_an_administrator_creates_reads_and_lists_a_rule(admin_api, agent_api, network):
    response = create(admin_api)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["trigger"] == "created"
    assert body["position"] == 10
    assert body["conditions"] == [{"field": "title", "operator": "contains", "value": "VPN"}]
    assert response["ETag"] == '"1"'
    got = agent_api.get(f"{URL}/{body['id']}")
    assert got.status_code == 200
    assert [r["name"] for r in agent_api.get(URL).json()] == ["Route VPN"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"conditions": [{"field": "colour", "value": "red"}]}, "conditions.0.field"),
        ({"conditions": [{"field": "priority", "value": "high"}]}, "conditions.0.value"),
        ({"conditions": [{"field": "priority", "value": 9}]}, "conditions.0.value"),
        ({"conditions": [{"field": "team", "value": "nobody"}]}, "conditions.0.value"),
        ({"conditions": [{"field": "team", "value": 3}]}, "conditions.0.value"),
        ({"conditions": [{"field": "category", "value": "nope"}]}, "conditions.0.value"),
        ({"conditions": [{"field": "status", "value": "lost"}]}, "conditions.0.value"),
        (
            {"conditions": [{"field": "title", "operator": "is", "value": "x"}]},
            "conditions.0.operator",
        ),
        ({"conditions": [{"field": "title", "value": ""}]}, "conditions.0.value"),
        ({"conditions": [{"value": "x"}]}, "conditions.0.field"),
        ({"actions": [{"action": "explode", "value": 1}]}, "actions.0.action"),
        ({"actions": [{"action": "assign_team", "value": "ghosts"}]}, "actions.0.value"),
        ({"actions": [{"action": "set_category", "value": "ghosts"}]}, "actions.0.value"),
        ({"actions": [{"action": "set_priority", "value": True}]}, "actions.0.value"),
        ({"actions": [{"action": "notify", "value": "not an address"}]}, "actions.0.value"),
        ({"actions": [{"action": "assign_agent", "value": "req1"}]}, "actions.0.value"),
        ({"actions": []}, "actions"),
        ({"actions": "assign"}, "actions"),
        ({"trigger": "deleted"}, "trigger"),
        ({"trigger_status": "resolved"}, "trigger_status"),
        ({"name": ""}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"position": -1}, "position"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_part_is_a_422_naming_it(admin_api, network, requester_user, overrides, field):
    assert field in errors(create(admin_api, **overrides))
    assert not Rule.objects.exists()


def test_a_name_is_taken_once(admin_api, network):
    create(admin_api)
    assert "name" in errors(create(admin_api, name="route vpn"))


def test_agents_and_requesters_may_not_write(agent_api, requester_api, admin_api, network):
    assert create(agent_api).status_code == 403
    assert create(requester_api).status_code == 403
    rule = create(admin_api).json()
    assert agent_api.patch(f"{URL}/{rule['id']}", {"is_active": False}).status_code == 403
    assert agent_api.delete(f"{URL}/{rule['id']}").status_code == 403


def test_requesters_see_no_rule(requester_api, admin_api, network):
    rule = create(admin_api).json()
    assert requester_api.get(f"{URL}/{rule['id']}").status_code == 404
    assert requester_api.get(URL).json() == []
    assert requester_api.get(f"{URL}/{rule['id']}/runs").status_code == 404


def test_an_unknown_rule_is_a_404(admin_api):
    assert admin_api.get(f"{URL}/999").status_code == 404
    assert admin_api.get(f"{URL}/x").status_code == 404
    assert admin_api.patch(f"{URL}/999", {"is_active": False}).status_code == 404


def test_an_edit_names_the_version_it_read(admin_api, network):
    rule = create(admin_api).json()
    url = f"{URL}/{rule['id']}"
    changed = admin_api.patch(url, {"is_active": False}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == '"2"'
    stale = admin_api.patch(url, {"name": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    bad = admin_api.patch(url, {"conditions": [{"field": "impact", "value": 4}]})
    assert "conditions.0.value" in errors(bad)
    assert admin_api.delete(url, headers={"If-Match": '"1"'}).status_code == 412
    assert admin_api.delete(url).status_code == 204
    assert not Rule.objects.exists()


def test_a_dry_run_tells_without_writing(admin_api, agent_api, agent_actor, network):
    rule = create(admin_api).json()
    incident = incident_create(agent_actor, title="VPN is slow")
    Incident.objects.filter(pk=incident.pk).update(team=None)
    version = Incident.objects.get(pk=incident.pk).version
    response = agent_api.post(f"{URL}/{rule['id']}/dry-run", {"incident": incident.number})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["matches"] is True
    assert body["conditions"][0]["actual"] == "VPN is slow"
    assert body["actions"][0] == {
        "action": "assign_team",
        "value": "network",
        "current": "",
        "changes": True,
    }
    assert Incident.objects.get(pk=incident.pk).version == version
    other = incident_create(agent_actor, title="printer")
    assert (
        agent_api.post(f"{URL}/{rule['id']}/dry-run", {"incident": other.number}).json()["matches"]
        is False
    )
    missing = agent_api.post(f"{URL}/{rule['id']}/dry-run", {"incident": "INC-999999"})
    assert missing.status_code == 404


def test_an_incident_created_over_the_api_answers_routed(admin_api, agent_api, network):
    create(admin_api)
    response = agent_api.post("/api/v1/incidents", {"title": "VPN down"})
    assert response.status_code == 201, response.content
    assert response.json()["team"] == "network"
    assert RuleRun.objects.count() == 1
    runs = agent_api.get(f"{URL}/{Rule.objects.get().pk}/runs").json()
    assert runs[0]["incident"] == response.json()["number"]
    assert runs[0]["changes"]["fields"]["team"] == ["", "network"]


def test_runs_show_only_incidents_the_reader_may_see(admin_api, admin_actor, network):
    """An agent limited to one organisation sees no other organisation's incident number
    in a rule's run log."""
    from steward.core.actor import Actor
    from tests import factories
    from tests.conftest import api_client_for

    org_a, org_b = factories.OrganisationFactory(), factories.OrganisationFactory()
    limited = factories.agent(username="limited", organisation=org_a)
    limited.served_organisations.set([org_a])
    made = create(admin_api).json()
    system = Actor.system("tests")
    theirs = incident_create(
        system, title="VPN b", caller=factories.requester(organisation=org_b).username
    )
    ours = incident_create(
        system, title="VPN a", caller=factories.requester(organisation=org_a).username
    )
    seen = api_client_for(limited).get(f"{URL}/{made['id']}/runs").json()
    assert [r["incident"] for r in seen] == [ours.number]
    assert len(admin_api.get(f"{URL}/{made['id']}/runs").json()) == 2
    assert theirs.number
