"""The queue offers a row's tick box only where a bulk action can act on it, by the rule
"Assign selected to me" itself checks: the Unassigned tab listed other teams' incidents
with a tick box, and assigning them then failed."""

import pytest

from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry
from steward.core.services import team_create
from steward.incidents.models import Incident
from steward.incidents.services import incident_assign_to_self, incident_create
from tests import factories
from tests.web.html import elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_teams(admin_actor, agent_actor, desk):
    other = factories.agent(username="netagent")
    team_create(admin_actor, name="Network Operations", slug="netops", members=[other.username])
    ours = incident_create(admin_actor, title="Desk printer", team="desk")
    theirs = incident_create(admin_actor, title="Core switch", team="netops")
    Incident.objects.filter(pk__in=[ours.pk, theirs.pk]).update(assignee=None)
    return ours, theirs


def test_the_unassigned_tab_ticks_only_what_she_may_be_assigned(web, two_teams):
    ours, theirs = two_teams
    page = web.get("/incidents/", {"queue": "unassigned"})

    ticks = {e.attrs["value"] for e in elements(page.content, "input", name="numbers")}
    assert ticks == {ours.number}
    html = page.content.decode()
    assert theirs.number in html  # still listed: she may read it
    assert html.count("Not assignable to you") == 1


def test_assign_to_self_refuses_another_teams_incident_and_writes_nothing(agent_actor, two_teams):
    ours, theirs = two_teams
    with pytest.raises(ValidationFailed) as refused:
        incident_assign_to_self(agent_actor, number=theirs.number)
    assert "Network Operations" in refused.value.message
    assert Incident.objects.get(pk=theirs.pk).assignee_id is None
    assert not AuditEntry.objects.filter(object_id=theirs.pk, action="update").exists()

    done = incident_assign_to_self(agent_actor, number=ours.number)
    assert done.assignee == agent_actor.user


def test_a_closed_incident_is_neither_ticked_nor_assigned(web, agent_actor, two_teams):
    ours, _ = two_teams
    Incident.objects.filter(pk=ours.pk).update(status="closed")  # its history is not the point
    page = web.get("/incidents/", {"queue": "all"})

    ticks = {e.attrs["value"] for e in elements(page.content, "input", name="numbers")}
    assert ours.number not in ticks
    with pytest.raises(PermissionDenied):
        incident_assign_to_self(agent_actor, number=ours.number)
    assert Incident.objects.get(pk=ours.pk).assignee_id is None
