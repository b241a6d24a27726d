"""Who may move a team to another organisation: administrators, not the team's lead."""

import pytest

from steward.core.errors import PermissionDenied
from steward.core.models import AuditEntry, Team
from steward.core.services import team_create, team_update
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return factories.OrganisationFactory(), factories.OrganisationFactory()


@pytest.fixture
def team(admin_actor, agent_user, orgs):
    return team_create(
        admin_actor, name="Desk", organisation=orgs[0].slug, lead=agent_user.username
    )


def test_the_team_lead_may_not_change_the_organisation(agent_user, team, orgs):
    audited = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied) as err:
        team_update(
            as_actor(agent_user),
            slug=team.slug,
            expected_version=None,
            changes={"organisation": orgs[1].slug, "description": "moved"},
        )
    assert "organisation" in err.value.fields
    team.refresh_from_db()
    assert (team.organisation, team.description, team.version) == (orgs[0], "", 1)
    assert AuditEntry.objects.count() == audited


def test_the_team_lead_may_not_clear_the_organisation(agent_user, team):
    with pytest.raises(PermissionDenied):
        team_update(
            as_actor(agent_user),
            slug=team.slug,
            expected_version=None,
            changes={"organisation": None},
        )
    assert Team.objects.get(pk=team.pk).organisation is not None


def test_the_team_lead_edits_other_fields_and_may_resend_the_same_organisation(
    agent_user, team, orgs
):
    updated = team_update(
        as_actor(agent_user),
        slug=team.slug,
        expected_version=1,
        changes={"organisation": orgs[0].slug, "description": "first line"},
    )
    assert (updated.organisation, updated.description) == (orgs[0], "first line")


def test_an_administrator_changes_the_organisation(admin_actor, team, orgs):
    updated = team_update(
        admin_actor, slug=team.slug, expected_version=1, changes={"organisation": orgs[1].slug}
    )
    assert updated.organisation == orgs[1]


def test_over_the_api_the_refusal_is_a_403_naming_the_field(agent_user, team, orgs):
    from tests.conftest import api_client_for

    response = api_client_for(agent_user).patch(
        f"/api/v1/teams/{team.slug}", {"organisation": orgs[1].slug}
    )
    assert response.status_code == 403, response.content
    assert list(response.json()["error"]["fields"]) == ["organisation"]
