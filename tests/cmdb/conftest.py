"""CMDB fixtures: actors for each kind of CMDB user, and a quick way to make CIs."""

from __future__ import annotations

import importlib
import itertools
from typing import Any

import pytest
from django.apps import apps

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
