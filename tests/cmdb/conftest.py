"""CMDB fixtures: actors for each kind of CMDB user, and a quick way to make CIs."""

from __future__ import annotations

import importlib
import itertools
from typing import Any

import pytest
from django.apps import apps
from hypothesis import HealthCheck, settings

from steward.cmdb.models import ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.choices import Role
from tests import factories

SYSTEM = Actor.system("tests")
_names = itertools.count(1)


def reseed() -> None:
    """Put the seeded classes and relationship types back (transactional tests flush them)."""
    module = importlib.import_module(
        "steward.cmdb.migrations.0002_seed_classes_and_relationship_types"
    )
    module.seed(apps, None)


def graph_examples(count: int) -> settings:
    """Hypothesis settings of the random-graph tests: ``count`` examples, no deadline, each
    example in the test's one ``db`` (so each starts with ``clear_graph``)."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def clear_graph() -> None:
    """No CIs and no relationships: a random graph's example starts from nothing."""
    Relationship.objects.all().delete()
    ConfigurationItem.objects.all().delete()


def limited_agent(home: Any) -> Actor:
    """An agent of the organisation ``home`` who serves that one only."""
    user = factories.agent(organisation=home)
    user.served_organisations.set([home])
    return Actor(user=user)


def make_ci(ci_class: str = "server", actor: Actor = SYSTEM, **fields: Any) -> ConfigurationItem:
    fields.setdefault("name", f"ci-{next(_names)}")
    return ci_create(actor, ci_class=ci_class, **fields)


def relate(source: ConfigurationItem, target: ConfigurationItem, type: str = "depends_on"):  # noqa: A002
    return Relationship.objects.create(
        source=source, target=target, type=RelationshipType.objects.get(slug=type)
    )


@pytest.fixture
def asset_manager(db) -> Actor:
    return Actor(user=factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER]))


@pytest.fixture
def agent(db) -> Actor:
    return Actor(user=factories.agent())


@pytest.fixture
def requester(db) -> Actor:
    return Actor(user=factories.requester())


@pytest.fixture
def admin(db) -> Actor:
    return Actor(user=factories.admin())
