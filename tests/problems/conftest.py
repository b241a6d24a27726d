import pytest
from django.core import mail

from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.incidents.services import incident_create
from steward.problems.services import problem_create, problem_link_incident, problem_update
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def system():
    return Actor.system("tests")


@pytest.fixture
def org_x(db):
    return factories.OrganisationFactory(name="Org X", slug="org-x")


@pytest.fixture
def org_y(db):
    return factories.OrganisationFactory(name="Org Y", slug="org-y")


@pytest.fixture
def x_agent(org_x):
    """An agent limited to organisation X."""
    user = factories.agent(username="x-agent", organisation=org_x)
    user.served_organisations.set([org_x])
    return as_actor(user)


@pytest.fixture
def make_ci(system):
    def make(name: str, ci_class: str = "server", organisation: str | None = None):
        return ci_create(
            system,
            name=name,
            ci_class=ci_class,
            organisation=organisation,
            attributes={"fqdn": f"{name}.example.com"} if ci_class == "server" else {},
        )

    return make


@pytest.fixture
def make_incident(system):
    def make(title: str = "VPN drops", *, caller=None, **fields):
        caller = caller or factories.requester(email=f"{title[:5].lower()}@example.com")
        return incident_create(system, title=title, caller=caller.username, **fields)

    return make


@pytest.fixture
def make_problem(agent_actor):
    def make(title: str = "VPN tunnel drops", actor=None, **fields):
        return problem_create(actor or agent_actor, title=title, **fields)

    return make


@pytest.fixture
def investigated(agent_actor, make_problem, make_incident):
    """make(links): a problem under investigation with an incident per ``(title, caller)``
    linked, and the mail of getting there cleared (the fixed-problem mail tests' start)."""

    def make(links) -> object:
        problem = make_problem()
        for title, caller in links:
            incident = make_incident(title, caller=caller)
            problem_link_incident(agent_actor, number=problem.number, incident=incident.number)
        problem_update(
            agent_actor,
            number=problem.number,
            expected_version=None,
            changes={"status": "investigating"},
        )
        mail.outbox.clear()
        return problem

    return make
