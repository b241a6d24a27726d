"""Organisation scoping: one rule for every record selector, and each app's parameters."""

import pytest
from django.db.models import Q

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.models import Team, User
from steward.core.selectors.scoping import scope_to_organisations
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_visible
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two organisations, a team in each and one of IT's own, and one actor per kind."""
    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    limited = factories.agent(username="limited")
    limited.served_organisations.set([acme])
    requester = factories.requester(username="req", organisation=acme)
    teams = {
        "acme": factories.TeamFactory(organisation=acme),
        "globex": factories.TeamFactory(organisation=globex),
        "it": factories.TeamFactory(),
    }
    actors = {
        "system": Actor.system("tests"),
        "admin": as_actor(factories.admin(username="adm")),
        "unlimited": as_actor(factories.agent(username="unlimited")),
        "limited": as_actor(limited),
        "requester": as_actor(requester),
    }
    return {"acme": acme, "globex": globex, "teams": teams, "actors": actors}


def _names(world, qs):
    by_pk = {t.pk: name for name, t in world["teams"].items()}
    return sorted(by_pk[pk] for pk in qs.values_list("pk", flat=True) if pk in by_pk)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("system", ["acme", "globex", "it"]),
        ("admin", ["acme", "globex", "it"]),
        ("unlimited", ["acme", "globex", "it"]),
        ("limited", ["acme", "it"]),
        ("requester", []),
    ],
)
def test_each_kind_of_actor_sees_its_organisations(world, who, expected):
    qs = scope_to_organisations(world["actors"][who], Team.objects.all())
    assert _names(world, qs) == expected


def test_a_requester_sees_what_the_requester_rule_allows(world):
    actor = world["actors"]["requester"]
    own = scope_to_organisations(actor, User.objects.all(), requester="id")
    assert list(own.values_list("username", flat=True)) == ["req"]
    by_q = scope_to_organisations(actor, Team.objects.all(), requester=Q(name__startswith="Team"))
    assert _names(world, by_q) == ["acme", "globex", "it"]


def test_every_named_path_must_be_served(world):
    world["teams"]["acme"].lead = factories.agent(organisation=world["globex"])
    world["teams"]["acme"].save()
    world["teams"]["it"].lead = factories.agent(organisation=world["acme"])
    world["teams"]["it"].save()
    qs = scope_to_organisations(
        world["actors"]["limited"], Team.objects.all(), field=("organisation", "lead__organisation")
    )
    assert _names(world, qs) == ["it"]  # acme's lead is of globex


@pytest.mark.parametrize("who", ["system", "admin", "unlimited", "limited", "requester"])
def test_core_selectors_keep_their_rule(world, who):
    actor = world["actors"][who]
    assert _names(world, core_selectors.team_visible(actor)) == _names(
        world, scope_to_organisations(actor, Team.objects.all())
    )
    factories.requester(organisation=world["globex"])
    factories.requester()
    assert set(core_selectors.user_visible(actor)) == set(
        scope_to_organisations(
            actor,
            User.objects.all(),
            requester="id",
            agent_also=None if actor.is_system else Q(id=actor.user.id),
        )
    )


@pytest.mark.parametrize("who", ["system", "admin", "unlimited", "limited", "requester"])
def test_the_incident_parameters_in_the_docstring_match_incident_visible(world, who):
    system = Actor.system("tests")
    for caller in (
        "req",
        factories.requester(organisation=world["globex"]).username,
        factories.requester().username,
    ):
        incident_create(system, title=f"from {caller}", caller=caller)
    actor = world["actors"][who]
    expected = set(incident_visible(actor))
    assert expected  # every kind of actor here sees at least one incident
    assert set(scope_to_organisations(actor, Incident.objects.all(), requester="caller")) == (
        expected
    )


@pytest.mark.parametrize("who", ["system", "admin", "unlimited", "limited", "requester"])
def test_the_problem_and_change_parameters_match_their_selectors(world, who):
    from steward.changes.models import Change
    from steward.changes.selectors import change_visible
    from steward.changes.services import change_create
    from steward.problems.models import Problem
    from steward.problems.selectors import problem_visible
    from steward.problems.services import problem_create

    system = Actor.system("tests")
    requesters = ["req", factories.requester(organisation=world["globex"]).username]
    requesters.append(factories.requester().username)
    for n, username in enumerate(requesters):
        change_create(system, title=f"change {n}", requester=username)
    for org in (world["acme"].slug, world["globex"].slug, None):
        problem_create(system, title=f"problem {org}", **({"organisation": org} if org else {}))
    actor = world["actors"][who]

    assert set(scope_to_organisations(actor, Problem.objects.all())) == set(problem_visible(actor))
    assert set(scope_to_organisations(actor, Change.objects.all(), requester="requester")) == (
        set(change_visible(actor))
    )
    assert set(change_visible(actor))  # each actor here sees at least one change
