"""What a create reads before its transaction is kept per process (decision 0061): the caller,
the team, the assignee, the category and the team's active members. Each change is seen by
the very next request: made here (through the service or the ORM: the save's signal moves
the stamp), or in another process (simulated: the row changed without a signal, then the
stamp moved in SQL, as the other process's commit would show it)."""

import secrets

import pytest
from django.db import connection

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.models import Team, User
from steward.incidents.models import Category, Incident, TeamAssignment
from steward.incidents.services import category_create
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


def create(api, **fields):
    return api.post("/api/v1/incidents", {"title": "VPN drops", **fields})


def organisation_of(response) -> int | None:
    assert response.status_code == 201, response.content
    return Incident.objects.get(number=response.json()["number"]).organisation_id


def bumped_elsewhere(name: str) -> None:
    """Another process's commit of a change to what ``name`` guards, as this one sees it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_cachestamp SET version = %s WHERE name = %s",
            [secrets.randbits(62) + 1, name],
        )


@pytest.fixture
def two_orgs(db):
    return factories.OrganisationFactory(slug="org-a"), factories.OrganisationFactory(slug="org-b")


def test_a_caller_moved_to_another_organisation_is_seen_at_once(agent_api, desk, two_orgs):
    org_a, org_b = two_orgs
    caller = factories.requester(username="mover", organisation=org_a)
    assert organisation_of(create(agent_api, caller="mover")) == org_a.pk
    caller.organisation = org_b
    caller.save()
    assert organisation_of(create(agent_api, caller="mover")) == org_b.pk


def test_a_caller_moved_by_another_process_is_seen_once_its_stamp_moves(agent_api, desk, two_orgs):
    org_a, org_b = two_orgs
    caller = factories.requester(username="mover", organisation=org_a)
    assert organisation_of(create(agent_api, caller="mover")) == org_a.pk
    User.objects.filter(pk=caller.pk).update(organisation=org_b)  # no signal: no stamp moved
    assert organisation_of(create(agent_api, caller="mover")) == org_a.pk  # the kept row
    bumped_elsewhere(stamps.AUTH)
    assert organisation_of(create(agent_api, caller="mover")) == org_b.pk


def test_a_renamed_organisation_of_the_actor_is_read_anew(two_orgs, always_on):
    """A requester's own organisation comes from their kept row: its save moves AUTH."""
    org_a, _ = two_orgs
    api = api_client_for(factories.requester(username="own", organisation=org_a))
    assert organisation_of(create(api)) == org_a.pk
    User.objects.filter(username="own").update(organisation=two_orgs[1])
    bumped_elsewhere(stamps.AUTH)
    # the token's user is kept too; both are read anew under the new stamp
    assert organisation_of(create(api)) == two_orgs[1].pk


def test_a_deactivated_assignee_is_refused_at_once(agent_api, desk):
    colleague = factories.agent(username="agent2")
    desk.members.add(colleague)
    assert create(agent_api, team="desk", assignee="agent2").status_code == 201
    colleague.is_active = False
    colleague.save()
    refused = create(agent_api, team="desk", assignee="agent2")
    assert refused.status_code == 422
    assert "assignee" in refused.json()["error"]["fields"]


def test_an_assignee_deactivated_by_another_process(agent_api, desk):
    colleague = factories.agent(username="agent2")
    desk.members.add(colleague)
    assert create(agent_api, team="desk", assignee="agent2").status_code == 201
    User.objects.filter(pk=colleague.pk).update(is_active=False)
    assert create(agent_api, team="desk", assignee="agent2").status_code == 201  # kept row
    bumped_elsewhere(stamps.AUTH)
    assert create(agent_api, team="desk", assignee="agent2").status_code == 422


def test_an_unknown_caller_is_refused_until_created(agent_api, desk):
    refused = create(agent_api, caller="newcomer")
    assert refused.status_code == 422
    assert "caller" in refused.json()["error"]["fields"]
    factories.requester(username="newcomer")  # the save moves AUTH: "absent" is not kept
    assert create(agent_api, caller="newcomer").status_code == 201


def test_a_limited_agent_does_not_get_a_hidden_caller_from_the_cache(admin_api, two_orgs):
    org_a, org_b = two_orgs
    factories.requester(username="hidden", organisation=org_b)
    team = factories.TeamFactory(slug="a-team", organisation=org_a)
    limited = factories.agent(username="limited", organisation=org_a)
    limited.served_organisations.set([org_a])
    team.members.add(limited)
    assert create(admin_api, caller="hidden").status_code == 201  # the row is kept now
    refused = create(api_client_for(limited), caller="hidden", team="a-team")
    assert refused.status_code == 422
    assert "caller" in refused.json()["error"]["fields"]


def test_a_renamed_or_deleted_category_is_seen_at_once(agent_api, desk, admin_actor):
    category = category_create(admin_actor, name="Printers")
    assert create(agent_api, category=category.slug).status_code == 201
    category.slug = "print"
    category.save()
    assert create(agent_api, category="printers").status_code == 422
    assert create(agent_api, category="print").status_code == 201
    unused = category_create(admin_actor, name="Scanners")  # used, it could not be deleted
    # refused for its caller, after the category was looked up (and kept)
    assert create(agent_api, category=unused.slug, caller="nobody").status_code == 422
    unused.delete()
    refused = create(agent_api, category=unused.slug)
    assert refused.status_code == 422
    assert "category" in refused.json()["error"]["fields"]


def test_a_category_deactivated_by_another_process(agent_api, desk, admin_actor):
    category = category_create(admin_actor, name="Printers")
    assert create(agent_api, category=category.slug).status_code == 201
    Category.objects.filter(pk=category.pk).update(is_active=False)
    assert create(agent_api, category=category.slug).status_code == 201  # the kept row
    bumped_elsewhere(stamps.INCIDENT_CONFIG)
    assert create(agent_api, category=category.slug).status_code == 422


def test_a_renamed_team_is_seen_at_once_and_by_another_process(agent_api, desk):
    assert create(agent_api, team="desk").status_code == 201
    Team.objects.filter(pk=desk.pk).update(slug="front")
    assert create(agent_api, team="desk").status_code == 201  # the kept row
    bumped_elsewhere(stamps.TEAMS)
    assert create(agent_api, team="desk").status_code == 422
    team = Team.objects.get(pk=desk.pk)
    team.slug = "desk"
    team.save()
    assert create(agent_api, team="desk").status_code == 201


def test_a_requesters_incident_follows_a_changed_default_team(admin_actor, desk, always_on):
    category = category_create(admin_actor, name="Printers")
    other = factories.TeamFactory(slug="print-team")
    api = api_client_for(factories.requester(username="asker"))
    category.default_team = desk
    category.save()
    assert create(api, category=category.slug).json()["team"] == "desk"
    category.default_team = other
    category.save()
    assert create(api, category=category.slug).json()["team"] == "print-team"


def assignee(response) -> str | None:
    assert response.status_code == 201, response.content
    return response.json()["assignee"]


def test_the_rule_picks_only_active_members_and_follows_changes(agent_api, desk):
    second = factories.agent(username="agent2")
    desk.members.add(second)
    rule = TeamAssignment.objects.create(team=desk, mode="round_robin")
    picks = {assignee(create(agent_api, team="desk")) for _ in range(2)}
    assert picks == {"agent1", "agent2"}
    second.is_active = False
    second.save()
    assert {assignee(create(agent_api, team="desk")) for _ in range(2)} == {"agent1"}
    second.is_active = True
    second.save()
    desk.members.remove(User.objects.get(username="agent1"))
    assert {assignee(create(agent_api, team="desk")) for _ in range(2)} == {"agent2"}
    rule.mode = "team"
    rule.save()
    assert assignee(create(agent_api, team="desk")) is None


def test_a_member_deactivated_by_another_process_is_not_picked(agent_api, desk):
    second = factories.agent(username="agent2")
    desk.members.add(second)
    TeamAssignment.objects.create(team=desk, mode="round_robin")
    assert {assignee(create(agent_api, team="desk")) for _ in range(2)} == {"agent1", "agent2"}
    User.objects.filter(pk=second.pk).update(is_active=False)
    bumped_elsewhere(stamps.AUTH)
    assert {assignee(create(agent_api, team="desk")) for _ in range(2)} == {"agent1"}


def test_the_system_still_needs_a_caller(desk):
    from steward.core.errors import ValidationFailed
    from steward.incidents.services import incident_create

    with pytest.raises(ValidationFailed):
        incident_create(Actor.system("tests"), title="No caller")
