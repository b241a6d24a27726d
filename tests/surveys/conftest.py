"""Survey fixtures: a desk with a lead, a requester who reads German in Berlin, and helpers
that resolve an incident and let the worker's outbox run."""

from __future__ import annotations

import pytest

from steward.core import outbox
from steward.core.services import team_create
from steward.incidents.services import incident_create, incident_update
from steward.surveys.models import SurveySettings
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def lead(db):
    return factories.agent(username="lena", email="lena@example.com", language="en")


@pytest.fixture
def desk(admin_actor, agent_user, lead):
    return team_create(
        admin_actor,
        name="Service Desk",
        slug="desk",
        lead=lead.username,
        members=[agent_user.username, lead.username],
    )


@pytest.fixture
def caller(db):
    return factories.requester(
        username="greta",
        email="greta@example.com",
        language="de",
        time_zone="Europe/Berlin",
    )


@pytest.fixture
def caller_actor(caller):
    return as_actor(caller)


@pytest.fixture
def incident(agent_actor, desk, caller):
    return incident_create(
        agent_actor, title="Drucker druckt nicht", caller=caller.username, team="desk"
    )


def move(actor, number, status, **extra):
    return incident_update(
        actor, number=number, expected_version=None, changes={"status": status, **extra}
    )


def resolve(actor, number):
    return move(actor, number, "resolved", resolution_code="solved", resolution_notes="Fixed.")


def headset_ordered(admin_actor):
    """A catalogue item with one desk task, ordered by a requester ``rudi`` (English):
    ``(rudi, request)``, the request in fulfilment."""
    from steward.catalog.services import item_create, request_order

    item_create(
        admin_actor,
        name="Headset",
        slug="headset",
        category="Hardware",
        form=[],
        approval_stages=[],
        task_templates=[{"title": "Hand over", "team": "desk"}],
    )
    rudi = factories.requester(username="rudi", email="rudi@example.com", language="en")
    return rudi, request_order(as_actor(rudi), item="headset", answers={})


def reopen(actor, number):
    return move(actor, number, "in_progress", reason="It is back.")


def settle():
    """What the worker does after commit: every outbox event handed to its consumers (the
    survey's own events too, written by the first pass)."""
    while outbox.dispatch_pending():
        pass


@pytest.fixture
def configure(db):
    def set_(**values):
        config = SurveySettings.objects.first() or SurveySettings()
        for name, value in values.items():
            setattr(config, name, value)
        config.save()
        return config

    return set_
