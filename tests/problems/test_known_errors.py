"""Known-error suggestions on incidents: matched by CI, service or category, and scoped."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.problems.models import Problem
from steward.problems.selectors import known_errors_for_incident
from steward.problems.services import problem_link_incident, problem_update
from tests import factories
from tests.conftest import as_actor


def publish(actor, problem):
    for status, extra in (("investigating", {}), ("known_error", {"workaround": "Reboot it."})):
        problem = problem_update(
            actor, number=problem.number, expected_version=None, changes={"status": status, **extra}
        )
    return problem


@pytest.fixture
def vpn_ci(make_ci):
    return make_ci("vpn-gw-1")


@pytest.fixture
def shop(make_ci):
    ci = make_ci("Online shop", ci_class="business_service")
    return ci


def test_matches_by_ci(agent_actor, make_problem, make_incident, vpn_ci, make_ci):
    published = publish(agent_actor, make_problem(configuration_item=vpn_ci.number))
    publish(agent_actor, make_problem("Elsewhere", configuration_item=make_ci("db-1").number))
    incident = make_incident(configuration_item=vpn_ci.number)

    found = known_errors_for_incident(agent_actor, incident)

    assert [p.number for p in found] == [published.number]
    assert found[0].match_reasons == ["CI"]
    assert found[0].is_linked is False


def test_matches_by_service(agent_actor, make_problem, make_incident, shop):
    published = publish(agent_actor, make_problem(affected_service=shop.number))
    incident = make_incident(affected_service=shop.number)

    assert [p.number for p in known_errors_for_incident(agent_actor, incident)] == [
        published.number
    ]


def test_matches_by_category_or_subcategory(agent_actor, make_problem, make_incident):
    by_sub = publish(agent_actor, make_problem("Sub", category="network-vpn"))
    by_top = publish(agent_actor, make_problem("Top", category="network"))
    publish(agent_actor, make_problem("Other", category="hardware"))
    incident = make_incident(category="network", subcategory="network-vpn")

    found = {p.number for p in known_errors_for_incident(agent_actor, incident)}

    assert found == {by_sub.number, by_top.number}


def test_only_published_known_errors_are_suggested(agent_actor, make_problem, make_incident):
    make_problem("Still investigating", category="network", workaround="w")
    withdrawn = publish(agent_actor, make_problem("Withdrawn", category="network"))
    problem_update(
        agent_actor,
        number=withdrawn.number,
        expected_version=None,
        changes={"status": "investigating"},
    )
    incident = make_incident(category="network")

    assert known_errors_for_incident(agent_actor, incident) == []


def test_an_incident_with_nothing_to_match_gets_no_query(agent_actor, make_incident):
    incident = make_incident()
    with CaptureQueriesContext(connection) as queries:
        assert known_errors_for_incident(agent_actor, incident) == []
    assert len(queries) == 0


def test_a_suggestion_already_linked_to_the_incident_says_so(
    agent_actor, make_problem, make_incident
):
    published = publish(agent_actor, make_problem(category="network"))
    incident = make_incident(category="network")
    problem_link_incident(agent_actor, number=published.number, incident=incident.number)

    (found,) = known_errors_for_incident(agent_actor, incident)

    assert found.is_linked is True


def test_scoped_to_the_agents_organisations_and_never_for_requesters(
    agent_actor, x_agent, org_x, org_y, make_problem, make_incident
):
    mine = publish(agent_actor, make_problem("X's", category="network", organisation=org_x.slug))
    publish(agent_actor, make_problem("Y's", category="network", organisation=org_y.slug))
    shared = publish(agent_actor, make_problem("Everyone's", category="network"))
    caller = factories.requester(organisation=org_x)
    incident = make_incident(caller=caller, category="network")

    seen_by_x = {p.number for p in known_errors_for_incident(x_agent, incident)}
    seen_by_caller = known_errors_for_incident(as_actor(caller), incident)

    assert seen_by_x == {mine.number, shared.number}
    assert seen_by_caller == []
    assert Problem.objects.filter(status="known_error").count() == 3


def test_one_query_however_many_match(agent_actor, make_problem, make_incident):
    for n in range(4):
        publish(agent_actor, make_problem(f"KE {n}", category="network"))
    incident = make_incident(category="network")

    with CaptureQueriesContext(connection) as queries:
        found = known_errors_for_incident(agent_actor, incident)
        [(p.configuration_item, p.affected_service, p.team) for p in found]

    assert len(found) == 4
    assert len(queries) <= 2  # the served-organisations lookup, then the suggestions
