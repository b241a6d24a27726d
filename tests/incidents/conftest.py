import pytest

from steward.core.services import team_create
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def desk(admin_actor, agent_user):
    return team_create(admin_actor, name="Service Desk", slug="desk", members=[agent_user.username])


@pytest.fixture
def caller(db):
    return factories.requester(username="caller1")


@pytest.fixture
def caller_actor(caller):
    return as_actor(caller)
