"""An assignee outside the record's team is refused naming the field (``assignee``) and the
team by its name, not its slug; the queue's bulk refusals show that sentence, not a field
code."""

import pytest
from django.contrib.messages import get_messages

from steward.core.errors import ValidationFailed
from steward.core.services import team_create
from steward.incidents.services import incident_create
from steward.problems.services import problem_create
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(admin_actor):
    other = factories.agent(username="netagent")
    return team_create(
        admin_actor, name="Network Operations", slug="netops", members=[other.username]
    )


@pytest.mark.parametrize(
    ("create", "title"),
    [(incident_create, "VPN down"), (problem_create, "VPN drops")],
    ids=["incident", "problem"],
)
def test_a_refusal_names_the_team_and_the_field(agent_actor, network, create, title):
    with pytest.raises(ValidationFailed) as refused:
        create(agent_actor, title=title, team="netops", assignee="agent1")
    assert list(refused.value.fields) == ["assignee"]
    assert "Network Operations" in refused.value.message
    assert "netops" not in refused.value.message
    assert not refused.value.message.startswith("assignee:")


def test_the_bulk_refusal_reads_as_a_sentence(web, agent_actor, admin_actor, network):
    incident = incident_create(admin_actor, title="VPN down", team="netops")
    page = web.post(
        "/incidents/bulk/", {"action": "assign_me", "numbers": [incident.number], "next": ""}
    )
    said = " ".join(str(m) for m in get_messages(page.wsgi_request))
    assert "The assignee is not a member of the team Network Operations." in said
    assert "assignee:" not in said
    assert "netops" not in said
