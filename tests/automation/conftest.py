"""Automation fixtures: two teams, a category, and a helper that saves a rule."""

from __future__ import annotations

from typing import Any

import pytest

from steward.automation import services
from steward.automation.models import Rule
from steward.core.actor import Actor
from steward.core.services import team_create
from steward.incidents.services import category_create
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def desk(admin_actor, agent_user):
    return team_create(admin_actor, name="Service Desk", slug="desk", members=[agent_user.username])


@pytest.fixture
def network(admin_actor, db):
    netagent = factories.agent(username="netagent")
    return team_create(admin_actor, name="Network", slug="network", members=[netagent.username])


@pytest.fixture
def vpn(admin_actor, db):
    return category_create(admin_actor, name="Network access")


@pytest.fixture
def caller(db):
    return factories.requester(username="caller1")


@pytest.fixture
def caller_actor(caller) -> Actor:
    return as_actor(caller)


def rule(actor: Actor, **values: Any) -> Rule:
    values.setdefault("name", "Route VPN")
    values.setdefault("conditions", [{"field": "title", "operator": "contains", "value": "vpn"}])
    values.setdefault("actions", [{"action": "assign_team", "value": "network"}])
    return services.rule_create(actor, **values)
