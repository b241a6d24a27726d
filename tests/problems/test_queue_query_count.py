"""Query count of the problem queue page: it must not grow with the rows."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.problems import services as problem_services
from tests import factories
from tests.query_counts import counter, grows

SYSTEM = Actor.system("tests")


@pytest.fixture
def admin_web(db):
    user = factories.admin(username="qc-admin")
    client = Client()
    client.force_login(user)
    return client


def test_problem_queue_page(admin_web):
    nxt = counter()
    team = factories.TeamFactory()
    assignee = factories.agent()
    team.members.add(assignee)

    def add():
        problem_services.problem_create(
            SYSTEM, title=f"Problem {nxt()}", team=team.slug, assignee=assignee.username
        )

    few, many = grows(add, lambda: admin_web.get("/problems/", {"queue": "all"}))
    assert few == many
