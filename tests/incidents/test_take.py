"""Taking an incident: never a silent win over someone else's assignment or a newer version."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from steward.core.errors import Conflict, DomainError, StaleVersion
from steward.core.services import team_create
from steward.incidents.models import Incident
from steward.incidents.services import incident_create, incident_take
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def other_agent(db):
    return factories.agent(username="agent2")


@pytest.fixture
def lead(db):
    return factories.agent(username="lead1")


@pytest.fixture
def net(admin_actor, agent_user, other_agent, lead):
    team = team_create(
        admin_actor,
        name="Network",
        slug="net",
        members=[agent_user.username, other_agent.username, lead.username],
    )
    team.lead = lead
    team.save(update_fields=["lead"])
    return team


@pytest.fixture
def incident(agent_actor, net):
    return incident_create(agent_actor, title="VPN down", team="net")


def test_taking_one_assigned_to_someone_else_is_a_conflict(agent_actor, other_agent, incident):
    incident_take(agent_actor, number=incident.number)

    with pytest.raises(Conflict) as refused:
        incident_take(as_actor(other_agent), number=incident.number)

    assert refused.value.status == 409
    assert "already assigned to agent1" in refused.value.message
    assert Incident.objects.get(pk=incident.pk).assignee.username == "agent1"


def test_taking_with_a_stale_version_is_refused(agent_actor, other_agent, incident):
    read = Incident.objects.get(pk=incident.pk).version  # what the second agent's page shows
    incident_take(agent_actor, number=incident.number, expected_version=read)

    with pytest.raises(StaleVersion) as refused:
        incident_take(as_actor(other_agent), number=incident.number, expected_version=read)

    assert refused.value.status == 412
    assert Incident.objects.get(pk=incident.pk).assignee.username == "agent1"


def test_the_team_lead_and_an_administrator_may_take_it_over(
    agent_actor, admin_actor, lead, incident
):
    incident_take(agent_actor, number=incident.number)

    assert incident_take(as_actor(lead), number=incident.number).assignee == lead
    taken = incident_take(admin_actor, number=incident.number)
    assert taken.assignee == admin_actor.user
    assert taken.reassignment_count == 3  # from the team to agent1, to the lead, to the admin


def test_taking_ones_own_incident_again_changes_nothing(agent_actor, incident):
    first = incident_take(agent_actor, number=incident.number)
    again = incident_take(agent_actor, number=incident.number, expected_version=first.version)

    assert (again.assignee, again.version) == (first.assignee, first.version)


def test_the_take_button_refuses_someone_elses_incident_in_place(
    client, agent_actor, other_agent, incident
):
    incident_take(agent_actor, number=incident.number)
    client.force_login(other_agent)

    response = client.post(f"/incidents/{incident.number}/take/", headers={"HX-Request": "true"})

    # the web layer answers a refused form with 422 so htmx shows the message in place
    # (docs/decisions/0010); the API answers the same refusal with 409
    assert response.status_code == 422
    assert "already assigned to agent1" in response.content.decode()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_at_once_one_wins_and_the_other_is_told():
    assert settings.IS_POSTGRES
    admin = factories.admin(username="admin-take")
    agents = [factories.agent(username=f"racer{n}") for n in range(2)]
    team_create(as_actor(admin), name="Race", slug="race", members=[a.username for a in agents])
    incident = incident_create(as_actor(admin), title="Race", team="race")
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def take(agent) -> None:
        try:
            barrier.wait()
            incident_take(as_actor(agent), number=incident.number)
            outcomes[agent.username] = "taken"
        except DomainError as exc:
            outcomes[agent.username] = exc.status
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes.values(), key=str) == [409, "taken"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "taken")
    assert Incident.objects.get(pk=incident.pk).assignee.username == winner


def test_the_api_take_honours_if_match_and_refuses_someone_elses(
    agent_api, agent_user, other_agent, incident
):
    from tests.conftest import api_client_for

    stale = Incident.objects.get(pk=incident.pk).version
    taken = agent_api.post(
        f"/api/v1/incidents/{incident.number}/take", headers={"If-Match": f'"{stale}"'}
    )
    assert taken.status_code == 200, taken.json()
    assert (taken.json()["assignee"], taken.json()["status"]) == ("agent1", "in_progress")

    other = api_client_for(other_agent)
    late = other.post(
        f"/api/v1/incidents/{incident.number}/take", headers={"If-Match": f'"{stale}"'}
    )
    assert late.status_code == 412
    without = other.post(f"/api/v1/incidents/{incident.number}/take")
    assert without.status_code == 409
    assert "already assigned to agent1" in without.json()["error"]["message"]


def test_an_agent_outside_the_team_cannot_take_its_incident_and_nothing_changes(
    admin_actor, net, db
):
    outsider = as_actor(factories.agent(username="outsider"))
    incident = incident_create(admin_actor, title="Switch down", team="net")

    with pytest.raises(Conflict, match="a team you are not in"):
        incident_take(outsider, number=incident.number)

    incident.refresh_from_db()
    assert (incident.team.slug, incident.assignee) == ("net", None)


def test_an_administrator_outside_the_team_takes_it_out_of_the_queue(admin_actor, net):
    incident = incident_create(admin_actor, title="Switch down", team="net")

    taken = incident_take(admin_actor, number=incident.number)

    assert (taken.assignee, taken.team) == (admin_actor.user, None)
