"""Query counts of CMDB lists: CI classes (API and page) and the CSV export. The number of
queries must not grow with the rows."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.cmdb.services import ci_create
from steward.cmdb.services import classes as class_services
from steward.core.actor import Actor
from tests import factories
from tests.query_counts import counter, grows, queries

SYSTEM = Actor.system("tests")


@pytest.fixture
def admin_web(db):
    user = factories.admin(username="qc-admin")
    client = Client()
    client.force_login(user)
    return client


def test_ci_class_list(admin_api):
    nxt = counter()

    def add():
        i = nxt()
        class_services.ci_class_create(SYSTEM, name=f"Kind {i}", slug=f"kind-{i}", parent="server")

    few, many = grows(add, lambda: admin_api.get("/api/v1/ci-classes", {"limit": 500}))
    assert few == many


def test_ci_csv_export(admin_api, admin_web):
    nxt = counter()
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

    few, many = grows(add, lambda: admin_api.get("/api/v1/cis/export.csv"))
    assert few == many
    queries(lambda: admin_web.get("/cmdb/export.csv"))  # warm: the session and user caches
    assert queries(lambda: admin_web.get("/cmdb/export.csv")) == queries(
        lambda: admin_web.get("/cmdb/export.csv")
    )


def test_ci_class_page(admin_web):
    nxt = counter()

    def add():
        i = nxt()
        class_services.ci_class_create(SYSTEM, name=f"Sort {i}", slug=f"sort-{i}", parent="server")

    few, many = grows(add, lambda: admin_web.get("/cmdb/ci-classes/"))
    assert few == many
