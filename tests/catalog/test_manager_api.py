"""A person's manager over the users API: shown, set by administrators only, and the one
a "manager of the requester" approval stage asks."""

from __future__ import annotations

from steward.catalog.models import Request
from tests import factories
from tests.conftest import api_client_for
from tests.query_counts import counter, queries


def test_admin_sets_the_manager_and_the_manager_stage_asks_them(requester, laptop, org):
    admin = api_client_for(
        factories.admin(username="boss-admin"), scopes=("read", "write", "admin")
    )
    boss = factories.requester(username="bea", organisation=org)
    shown = admin.get("/api/v1/users/rita").json()
    assert shown["manager"] == "manny"
    changed = admin.patch("/api/v1/users/rita", {"manager": "bea"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["manager"] == "bea"
    rita = api_client_for(requester.user)
    created = rita.post("/api/v1/requests", {"item": laptop.slug, "answers": {"model": "Standard"}})
    assert [a["approver"] for a in created.json()["approvals"]] == [boss.username]
    assert admin.patch("/api/v1/users/rita", {"manager": "rita"}).json()["error"]["fields"] == {
        "manager": ["a person cannot be their own manager"]
    }
    assert admin.patch("/api/v1/users/rita", {"manager": "nobody"}).status_code == 422
    cleared = admin.patch("/api/v1/users/rita", {"manager": None})
    assert cleared.json()["manager"] is None
    refused = rita.post("/api/v1/requests", {"item": laptop.slug, "answers": {"model": "Standard"}})
    assert refused.status_code == 422
    assert Request.objects.count() == 1


def test_people_do_not_set_their_own_manager(requester):
    rita = api_client_for(requester.user)
    response = rita.patch("/api/v1/users/rita", {"manager": None})
    assert response.status_code == 403
    assert rita.get("/api/v1/users/me").json()["manager"] == "manny"


def test_admin_creates_a_user_with_a_manager_and_lists_stay_flat(requester, org):
    admin = api_client_for(
        factories.admin(username="boss-admin"), scopes=("read", "write", "admin")
    )
    created = admin.post(
        "/api/v1/users", {"username": "newbie", "organisation": "acme", "manager": "manny"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["manager"] == "manny"
    n = counter()

    def add(count):
        for _ in range(count):
            factories.requester(username=f"p{n()}", organisation=org, manager=requester.user)
        # adding people bumps the role cache's stamp: the first read after refills it
        admin.get("/api/v1/users")

    def read():
        return admin.get("/api/v1/users")

    add(2)
    few = queries(read)
    add(6)
    assert queries(read) == few
