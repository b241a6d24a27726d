"""``ci_choices`` reads a few CIs by number from SQL compiled once per process and count
(decision 0074): the objects the ORM's ``select_related("ci_class")`` read builds, in one
statement; limited agents and requesters keep the scoped ORM read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.cmdb.models import ConfigurationItem
from steward.cmdb.selectors import ci_choices
from steward.cmdb.selectors.cis import COMPILED_UP_TO
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from tests import factories
from tests.conftest import as_actor

SYSTEM = Actor.system("tests")


def _fields(obj) -> dict:  # noqa: ANN001 - a model instance
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def _orm(numbers: set[str]) -> dict[str, ConfigurationItem]:
    found = ConfigurationItem.objects.select_related("ci_class").filter(number__in=numbers)
    return {ci.number: ci for ci in found}


@pytest.fixture
def estate(db):
    org = factories.OrganisationFactory()
    team = factories.TeamFactory()
    return [
        ci_create(SYSTEM, ci_class="business_service", name="Webshop", criticality=1),
        ci_create(SYSTEM, ci_class="server", name="web-1", organisation=org.slug),
        ci_create(SYSTEM, ci_class="application", name="shop", owner_team=team.slug),
        ci_create(SYSTEM, ci_class="server", name="db-1", environment="test"),
        ci_create(SYSTEM, ci_class="server", name="db-2", criticality=2),
    ]


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_the_compiled_read_builds_what_the_orm_builds(estate, count):
    wanted = {ci.number for ci in estate[:count]} | {"CI9999999"}  # and one that is absent

    with CaptureQueriesContext(connection) as ctx:
        found = ci_choices(SYSTEM, wanted)

    expected = _orm(wanted)
    assert sorted(found) == sorted(expected) == sorted(ci.number for ci in estate[:count])
    for number, ci in found.items():
        assert type(ci) is ConfigurationItem
        assert _fields(ci) == _fields(expected[number])
        assert (ci._state.adding, ci._state.db) == (False, "default")
        with CaptureQueriesContext(connection) as class_read:
            ci_class = ci.ci_class  # cached as select_related caches it
        assert not class_read.captured_queries
        assert _fields(ci_class) == _fields(expected[number].ci_class)
        assert (ci_class._state.adding, ci_class._state.db) == (False, "default")
    (statement,) = ctx.captured_queries
    # the compiled shape: the numbers padded to a power of two by repeating one (few shapes
    # per process; the ORM's read lists each once)
    listed = statement["sql"].split('"number" IN (', 1)[1].split(")", 1)[0].split(",")
    assert len(listed) == 1 << count.bit_length(), statement["sql"]  # count + the absent one


def test_every_call_reads_the_rows_anew(estate):
    """Only the SQL is kept: a CI changed behind the ORM's back is read as it is now."""
    number = estate[1].number
    assert ci_choices(SYSTEM, {number})[number].name == "web-1"

    ConfigurationItem.objects.filter(number=number).update(name="web-renamed", criticality=1)

    again = ci_choices(SYSTEM, {number})[number]
    assert (again.name, again.criticality) == ("web-renamed", 1)


def test_a_limited_agent_reads_only_the_cis_it_may_see(estate):
    home, away = factories.OrganisationFactory(), factories.OrganisationFactory()
    agent = factories.agent(organisation=home)
    agent.served_organisations.set([home])
    theirs = ci_create(SYSTEM, ci_class="server", name="away-1", organisation=away.slug)
    ours = ci_create(SYSTEM, ci_class="server", name="home-1", organisation=home.slug)
    wanted = {theirs.number, ours.number, estate[0].number}  # the last of no organisation

    found = ci_choices(as_actor(agent), wanted)

    assert sorted(found) == sorted([ours.number, estate[0].number])


def test_a_requester_reads_none(estate):
    requester = as_actor(factories.requester())

    assert ci_choices(requester, {ci.number for ci in estate}) == {}


def test_many_numbers_are_read_by_the_orm_alike(estate):
    wanted = {ci.number for ci in estate} | {f"CI8{n:06d}" for n in range(COMPILED_UP_TO)}

    with CaptureQueriesContext(connection) as ctx:
        found = ci_choices(SYSTEM, wanted)

    expected = _orm(wanted)
    assert sorted(found) == sorted(expected) == sorted(ci.number for ci in estate)
    assert all(_fields(found[n]) == _fields(expected[n]) for n in found)
    (statement,) = ctx.captured_queries  # the ORM's: each number once, no padding
    listed = statement["sql"].split('"number" IN (', 1)[1].split(")", 1)[0].split(",")
    assert len(listed) == len(wanted), statement["sql"]
