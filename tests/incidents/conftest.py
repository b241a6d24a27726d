import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.core.services import team_create
from steward.sla import services as sla
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def web(agent_user):
    """The agent's browser session (Django's test client, the real middleware)."""
    client = Client()
    client.force_login(agent_user)
    return client


@pytest.fixture
def desk(admin_actor, agent_user):
    return team_create(admin_actor, name="Service Desk", slug="desk", members=[agent_user.username])


@pytest.fixture
def caller(db):
    return factories.requester(username="caller1")


@pytest.fixture
def caller_actor(caller):
    return as_actor(caller)


@pytest.fixture
def always_on(db):
    """A 24x7 UTC calendar and one policy for every incident: 30 min response, 4 h resolution."""
    system = Actor.system("tests")
    sla.calendar_create(
        system,
        name="24x7",
        slug="always",
        time_zone="UTC",
        working_hours=[{"weekday": d, "start": "00:00", "end": "00:00"} for d in range(7)],
    )
    return sla.policy_create(
        system,
        name="Standard",
        slug="standard",
        calendar="always",
        precedence=100,
        response_minutes=30,
        resolution_minutes=240,
    )
