"""Found in review: list endpoints and pages that had no query-count test. Each list is read
with a few rows and with more; the number of queries must not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.changes import services as change_services
from steward.cmdb import classes as class_services
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.problems import services as problem_services
from tests import factories

SYSTEM = Actor.system("tests")


def _queries(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = read()
        assert response.status_code == 200, response.content[:300]
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(captured)


def _grows(add, read, first: int = 2, then: int = 6) -> tuple[int, int]:
    for _ in range(first):
        add()
    _queries(read)  # warm: the first read of a session fills caches (token use, classes)
    few = _queries(read)
    for _ in range(then):
        add()
    return few, _queries(read)


@pytest.fixture
def admin_web(db):
    user = factories.admin(username="qc-admin")
    client = Client()
    client.force_login(user)
    return client


def _counter():
    n = iter(range(1, 10_000))
    return lambda: next(n)


def test_freeze_window_list(admin_api):
    nxt = _counter()
    start = timezone.now() + dt.timedelta(days=10)
    team = factories.TeamFactory()

    def add():
        i = nxt()
        ci = ci_create(SYSTEM, ci_class="business_service", name=f"svc-{i}", owner_team=team.slug)
        change_services.freeze_create(
            SYSTEM,
            name=f"Freeze {i}",
            starts_at=start,
            ends_at=start + dt.timedelta(days=1),
            ci=ci.number,
        )

    few, many = _grows(add, lambda: admin_api.get("/api/v1/freeze-windows", {"limit": 50}))
    assert few == many


def test_change_template_list(admin_api):
    nxt = _counter()

    def add():
        change_services.template_create(SYSTEM, name=f"Template {nxt()}")

    few, many = _grows(add, lambda: admin_api.get("/api/v1/change-templates", {"limit": 50}))
    assert few == many


def test_ci_class_list(admin_api):
    nxt = _counter()

    def add():
        i = nxt()
        class_services.ci_class_create(SYSTEM, name=f"Kind {i}", slug=f"kind-{i}", parent="server")

    few, many = _grows(add, lambda: admin_api.get("/api/v1/ci-classes", {"limit": 500}))
    assert few == many


def test_ci_csv_export(admin_api, admin_web):
    nxt = _counter()
    team = factories.TeamFactory()
    org = factories.OrganisationFactory()

    def add():
        ci_create(
            SYSTEM,
            ci_class="server",
            name=f"exp-{nxt()}",
            owner_team=team.slug,
            support_team=team.slug,
            organisation=org.slug,
        )

    few, many = _grows(add, lambda: admin_api.get("/api/v1/cis/export.csv"))
    assert few == many
    assert _queries(lambda: admin_web.get("/cmdb/export.csv")) == _queries(
        lambda: admin_web.get("/cmdb/export.csv")
    )


def test_problem_queue_page(admin_web):
    nxt = _counter()
    team = factories.TeamFactory()
    assignee = factories.agent()
    team.members.add(assignee)

    def add():
        problem_services.problem_create(
            SYSTEM, title=f"Problem {nxt()}", team=team.slug, assignee=assignee.username
        )

    few, many = _grows(add, lambda: admin_web.get("/problems/", {"queue": "all"}))
    assert few == many


def test_ci_class_page(admin_web):
    nxt = _counter()

    def add():
        i = nxt()
        class_services.ci_class_create(SYSTEM, name=f"Sort {i}", slug=f"sort-{i}", parent="server")

    few, many = _grows(add, lambda: admin_web.get("/cmdb/ci-classes/"))
    assert few == many
