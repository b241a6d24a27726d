"""Catalogue fixtures: a laptop item with a manager stage, its requester and manager, and
the fulfilment team."""

from __future__ import annotations

import pytest

from steward.catalog.services import item_create, request_order, service_create
from steward.core.actor import Actor
from tests import factories
from tests.conftest import as_actor


@pytest.fixture
def system():
    return Actor.system("tests")


@pytest.fixture
def admin(db):
    return as_actor(factories.admin(username="cat-admin"))


@pytest.fixture
def org(db):
    return factories.OrganisationFactory(name="Acme", slug="acme")


@pytest.fixture
def manager(org):
    return factories.requester(username="manny", organisation=org, email="manny@example.com")


@pytest.fixture
def requester(org, manager):
    user = factories.requester(username="rita", organisation=org, email="rita@example.com")
    user.manager = manager
    user.save(update_fields=["manager"])
    return as_actor(user)


@pytest.fixture
def fulfiller(db):
    return as_actor(factories.agent(username="fred"))


@pytest.fixture
def desk(fulfiller):
    return factories.TeamFactory(name="Desk", slug="desk", members=[fulfiller.user])


@pytest.fixture
def hardware(desk):
    return factories.TeamFactory(name="Hardware", slug="hardware", members=[])


LAPTOP_FORM = [
    {
        "key": "model",
        "label": "Model",
        "type": "choice",
        "required": True,
        "choices": ["Standard", "Performance"],
    },
    {
        "key": "reason",
        "label": "Why performance?",
        "type": "text",
        "required": True,
        "show_if": {"field": "model", "equals": "Performance"},
    },
    {"key": "needed_by", "label": "Needed by", "type": "date"},
    {"key": "monitors", "label": "Monitors", "type": "number", "min": 0, "max": 3},
]


@pytest.fixture
def make_item(admin, desk, hardware):
    def make(slug="laptop", stages=None, tasks=None, mode="ordered", form=None, **extra):
        return item_create(
            admin,
            name=extra.pop("name", f"Item {slug}"),
            slug=slug,
            category="Hardware",
            form=LAPTOP_FORM if form is None else form,
            approval_stages=[{"approvers": "manager", "quorum": "any"}]
            if stages is None
            else stages,
            task_mode=mode,
            task_templates=[
                {"title": "Prepare", "team": "desk"},
                {"title": "Hand over", "team": "desk"},
            ]
            if tasks is None
            else tasks,
            **extra,
        )

    return make


@pytest.fixture
def laptop(make_item):
    return make_item()


@pytest.fixture
def order(requester):
    def place(item, answers=None, actor=None):
        return request_order(
            actor or requester, item=item.slug, answers=answers or {"model": "Standard"}
        )

    return place


@pytest.fixture
def service(admin):
    return service_create(admin, name="Workplace", stage="live")
