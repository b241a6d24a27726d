import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.knowledge.services import article_create, article_update
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def system():
    return Actor.system("tests")


@pytest.fixture
def make_article(agent_actor):
    """An article by the agent; ``state="published"`` publishes it."""

    def make(title="Connect to the VPN", body="Open the client and sign in.", *, state="", **kw):
        article = article_create(agent_actor, title=title, body=body, **kw)
        if state:
            article = article_update(
                agent_actor, number=article.number, expected_version=None, changes={"status": state}
            )
        return article

    return make


@pytest.fixture
def org_x(db):
    return factories.OrganisationFactory(name="Org X", slug="org-x")


@pytest.fixture
def org_y(db):
    return factories.OrganisationFactory(name="Org Y", slug="org-y")


@pytest.fixture
def x_agent(org_x):
    user = factories.agent(username="x-agent", organisation=org_x)
    user.served_organisations.set([org_x])
    return as_actor(user)


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def requester_web(requester_user):
    return web_client(requester_user)


@pytest.fixture
def agent_web(agent_user):
    return web_client(agent_user)
