"""Change fixtures: a small CMDB (service → app → server), a change manager, a CAB team,
and helpers to walk a change through its lifecycle with the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from steward.changes import services
from steward.changes.choices import Status
from steward.changes.models import Change
from steward.cmdb.models import Relationship, RelationshipType
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.choices import Role
from tests import factories
from tests.conftest import as_actor

SYSTEM = Actor.system("tests")
_names = itertools.count(1)
HIGH = {"outage": "full", "backout": "impossible"}  # 4 + 4 = 8: high risk, the CAB decides
PLANS = {
    "implementation_plan": "Apply the patch, restart.",
    "backout_plan": "Restore the snapshot.",
    "test_plan": "Smoke test the login page.",
}


def ci(ci_class: str = "server", **fields: Any):
    fields.setdefault("name", f"chg-ci-{next(_names)}")
    return ci_create(SYSTEM, ci_class=ci_class, **fields)


def relate(source, target, type: str = "depends_on") -> Relationship:  # noqa: A002
    return Relationship.objects.create(
        source=source, target=target, type=RelationshipType.objects.get(slug=type)
    )


def window(days: int = 3, hours: int = 2, at_hour: int = 20) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.now() + dt.timedelta(days=days)).replace(
        hour=at_hour, minute=0, second=0, microsecond=0
    )
    return start, start + dt.timedelta(hours=hours)


def fresh(change: Change) -> Change:
    return Change.objects.get(pk=change.pk)


def move(actor: Actor, change: Change, status: str, **extra: Any) -> Change:
    return services.change_update(
        actor, number=change.number, expected_version=None, changes={"status": status, **extra}
    )


@pytest.fixture
def cm_user(db):
    return factories.UserFactory(username="cm1", roles=[Role.CHANGE_MANAGER, Role.AGENT])


@pytest.fixture
def cm(cm_user) -> Actor:
    return as_actor(cm_user)


@pytest.fixture
def cab(db):
    members = [factories.agent(username=f"cab{i}") for i in range(3)]
    return factories.TeamFactory(name="CAB", slug="cab", members=members, lead=members[0])


@pytest.fixture
def stack(db):
    """A business service that depends on an app, which runs on a server."""
    service = ci("business_service", name="Webshop", criticality=1)
    app = ci("application", name="shop-app")
    server = ci("server", name="shop-srv-1")
    relate(service, app)
    relate(app, server, "runs_on")
    return {"service": service, "app": app, "server": server}


@pytest.fixture
def new_change(agent_actor):
    """make(**fields): a normal change raised by the agent with plans."""

    def make(**fields: Any) -> Change:
        fields.setdefault("title", f"Change {next(_names)}")
        for name, value in PLANS.items():
            fields.setdefault(name, value)
        return services.change_create(agent_actor, **fields)

    return make


def scheduled(actor: Actor, approver: Actor | None, change: Change, **extra: Any) -> Change:
    """Walk a normal change to scheduled (the approver decides every approval)."""
    move(actor, change, Status.ASSESSMENT)
    move(actor, change, Status.AUTHORIZATION)
    change = fresh(change)
    for approval in change.approvals.all():
        for user in approval.approvers.all()[: approval.quorum]:
            services.approval_decide(
                as_actor(user), number=change.number, approval_id=approval.pk, decision="approve"
            )
    return move(actor, change, Status.SCHEDULED, **extra)


def in_authorisation(actor: Actor, change: Change) -> Change:
    """Walk a change to authorisation, where its approvals are requested."""
    move(actor, change, Status.ASSESSMENT)
    move(actor, change, Status.AUTHORIZATION)
    return fresh(change)


def client_for(user) -> Client:  # noqa: ANN001
    """A browser session signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def web(agent_user) -> Client:
    return client_for(agent_user)


@pytest.fixture
def cm_web(cm_user) -> Client:
    return client_for(cm_user)


def local(value: dt.datetime) -> str:
    """How a datetime-local input sends a time (in the user's zone, here the default)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def cab_change(agent_actor, new_change, cab, stack):
    """A high-risk change waiting for the CAB (quorum 2 of cab0..cab2)."""
    start, end = window()
    change = new_change(
        title="Migrate the shop database",
        cis=[stack["server"].number],
        risk_answers=HIGH,
        planned_start=start,
        planned_end=end,
    )
    return in_authorisation(agent_actor, change)
