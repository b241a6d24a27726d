"""Ordering's hot path: statements per order over the API (the same on SQLite and
PostgreSQL), and the order's response built from what the service returned, equal to a
read of the request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.catalog.services import item_create
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

# the cache stamps; then in the transaction the number, the request, its audit entry, the
# manager's vote, and the two outbox events ("created", "approval requested") in one insert.
# The item (with its service, owner, audience and named approvers) comes from the process's
# cache (selectors.item_for_order); token, user, organisation and manager from the token
# cache; the answers (20 of them) are checked without a query; the response is built from
# the rows written, not read back. Savepoints are not counted (how many depends on the
# test's transaction).
ORDER = 6

KINDS = ["text", "number", "date", "choice"]
FORM = [
    {"key": f"q{i:02d}", "label": f"Q{i}", "type": KINDS[i % 4], "required": True}
    | ({"choices": ["Small", "Large"]} if i % 4 == 3 else {})
    for i in range(20)
]
ANSWERS = {
    f"q{i:02d}": {"text": "yes", "number": i, "date": "2027-01-15", "choice": "Large"}[KINDS[i % 4]]
    for i in range(20)
}


@pytest.fixture
def twenty(admin, desk):
    return item_create(
        admin,
        name="Twenty questions",
        slug="twenty",
        category="Hardware",
        form=FORM,
        approval_stages=[{"approvers": "manager", "quorum": "any"}],
        task_mode="ordered",
        task_templates=[{"title": f"Step {i}", "team": "desk"} for i in range(3)],
    )


def statements(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 201), response.content[:300]
    sql = [q["sql"] for q in captured.captured_queries]
    return len([s for s in sql if "SAVEPOINT" not in s]), response


def test_statements_per_order(requester, twenty):
    api = api_client_for(requester.user)
    order = lambda: api.post("/api/v1/requests", {"item": "twenty", "answers": ANSWERS})  # noqa: E731
    assert order().status_code == 201  # the first request of a process fills its caches
    count, _ = statements(order)
    assert count == ORDER


def test_the_order_response_equals_a_read_of_the_request(requester, twenty, manager):
    api = api_client_for(requester.user)
    created = api.post("/api/v1/requests", {"item": "twenty", "answers": ANSWERS})
    assert created.status_code == 201, created.content
    read = api.get(f"/api/v1/requests/{created.json()['number']}")
    assert created["ETag"] == read["ETag"]
    assert created.json() == read.json()
    assert [a["approver"] for a in created.json()["approvals"]] == [manager.username]
    assert created.json()["organisation"] == "acme"


def test_an_order_without_approval_shows_its_tasks(requester, make_item):
    make_item(slug="quick", stages=[])
    api = api_client_for(requester.user)
    created = api.post("/api/v1/requests", {"item": "quick", "answers": {"model": "Standard"}})
    assert created.status_code == 201, created.content
    assert [t["title"] for t in created.json()["tasks"]] == ["Prepare", "Hand over"]
    assert created.json() == api.get(f"/api/v1/requests/{created.json()['number']}").json()


def test_a_managers_change_is_seen_by_the_next_order(requester, twenty, manager, org):
    from tests import factories

    api = api_client_for(requester.user)
    first = api.post("/api/v1/requests", {"item": "twenty", "answers": ANSWERS}).json()
    assert first["approvals"][0]["approver"] == manager.username  # cached with the token now
    boss = factories.requester(username="bossy", organisation=org)
    requester.user.manager = boss
    requester.user.save(update_fields=["manager"])
    again = api.post("/api/v1/requests", {"item": "twenty", "answers": ANSWERS}).json()
    assert again["approvals"][0]["approver"] == "bossy"
    org.slug = "acme-renamed"
    org.save(update_fields=["slug"])
    assert (
        api.post("/api/v1/requests", {"item": "twenty", "answers": ANSWERS}).json()["organisation"]
        == "acme-renamed"
    )


def test_named_approvers_come_from_the_cache_too(requester, admin, desk, fulfiller):
    item_create(
        admin,
        name="Named",
        slug="named",
        form=FORM,
        approval_stages=[{"approvers": "users", "users": ["fred"], "quorum": "any"}],
        task_templates=[{"title": f"Step {i}", "team": "desk"} for i in range(3)],
    )
    api = api_client_for(requester.user)
    order = lambda: api.post("/api/v1/requests", {"item": "named", "answers": ANSWERS})  # noqa: E731
    assert order().status_code == 201
    count, response = statements(order)
    assert count == ORDER
    assert [a["approver"] for a in response.json()["approvals"]] == ["fred"]
    # a named approver who leaves is seen by the next order (the auth stamp moved)
    fulfiller.user.is_active = False
    fulfiller.user.save(update_fields=["is_active"])
    refused = order()
    assert refused.status_code == 422
    assert list(refused.json()["error"]["fields"]) == ["approval_stages.0"]


def test_item_changes_are_seen_by_the_next_order(requester, twenty, admin, org):
    from steward.catalog.services import item_update

    api = api_client_for(requester.user)
    order = lambda: api.post("/api/v1/requests", {"item": "twenty", "answers": ANSWERS})  # noqa: E731
    assert order().status_code == 201  # cached now

    def change(**changes):
        item = type(twenty).objects.get(pk=twenty.pk)
        item_update(admin, slug="twenty", expected_version=item.version, changes=changes)

    change(name="Twenty questions, renamed")
    assert order().json()["title"] == "Twenty questions, renamed"
    change(audience="organisations", audience_organisations=[])
    refused = order()
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"item": ["no item you may order by this name"]}
    change(audience_organisations=[org.slug])
    assert order().status_code == 201
    change(is_active=False)
    assert order().status_code == 422


@pytest.mark.parametrize(
    ("audience", "orgs", "roles", "who"),
    [
        pytest.param("everyone", [], [], "requester", id="everyone"),
        pytest.param("organisations", ["acme"], [], "requester", id="own-organisation"),
        pytest.param("organisations", ["other"], [], "requester", id="other-organisation"),
        pytest.param("organisations", ["other"], [], "fulfiller", id="agent-no-organisation"),
        pytest.param("roles", [], ["agent"], "requester", id="role-not-held"),
        pytest.param("roles", [], ["agent"], "fulfiller", id="role-held"),
        pytest.param("roles", [], ["agent"], "admin", id="admin-always"),
    ],
)
def test_the_cached_rule_agrees_with_the_query(  # noqa: PLR0913
    audience, orgs, roles, who, requester, fulfiller, admin, desk, org
):
    from steward.catalog import selectors
    from steward.core.errors import ValidationFailed
    from tests import factories

    factories.OrganisationFactory(name="Other", slug="other")
    item_create(
        admin,
        name="Gated",
        slug="gated",
        form=[],
        audience=audience,
        audience_organisations=orgs,
        audience_roles=roles,
        approval_stages=[],
        task_templates=[],
    )
    actor = {"requester": requester, "fulfiller": fulfiller, "admin": admin}[who]
    by_query = selectors.item_orderable(actor).filter(slug="gated").exists()
    try:
        selectors.item_for_order(actor, slug="gated")
        cached = True
    except ValidationFailed:
        cached = False
    assert cached == by_query
