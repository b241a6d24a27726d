"""The catalogue API beyond the generic contract: ordering errors, approval decisions,
requester isolation, task moves, and the requester's mail."""

from __future__ import annotations

import pytest

from steward.catalog.models import CatalogItem, Request
from steward.core import outbox
from steward.core.models import OutgoingMail
from tests import factories
from tests.conftest import api_client_for


@pytest.fixture
def rita_api(requester):
    return api_client_for(requester.user)


def test_order_with_bad_answers_names_each_field(rita_api, laptop):
    response = rita_api.post(
        "/api/v1/requests", {"item": laptop.slug, "answers": {"model": "Huge", "monitors": 9}}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {
        "answers.model": ["one of: Standard, Performance"],
        "answers.monitors": ["at most 3"],
    }
    assert not Request.objects.exists()


def test_order_and_decide_over_the_api(rita_api, laptop, manager):
    created = rita_api.post(
        "/api/v1/requests",
        {"item": laptop.slug, "answers": {"model": "Standard"}},
        headers={"Idempotency-Key": "order-1"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "approval"
    again = rita_api.post(
        "/api/v1/requests",
        {"item": laptop.slug, "answers": {"model": "Standard"}},
        headers={"Idempotency-Key": "order-1"},
    )
    assert again.json()["number"] == body["number"]
    assert Request.objects.count() == 1
    [vote] = body["approvals"]
    url = f"/api/v1/requests/{body['number']}/approvals/{vote['id']}/decision"

    assert rita_api.post(url, {"decision": "approved"}).status_code == 403  # not hers
    decided = api_client_for(manager).post(url, {"decision": "approved", "comment": "ok"})
    assert decided.status_code == 200
    assert decided.json()["decision"] == "approved"
    after = rita_api.get(f"/api/v1/requests/{body['number']}").json()
    assert after["status"] == "fulfilment"
    assert [t["status"] for t in after["tasks"]] == ["open", "waiting"]
    assert api_client_for(manager).post(url, {"decision": "rejected"}).status_code == 409


def test_awaiting_me_lists_the_votes_waiting(laptop, order, manager):
    request = order(laptop)
    boss = api_client_for(manager)
    waiting = boss.get("/api/v1/requests", {"awaiting_me": "true"}).json()["items"]
    assert [r["number"] for r in waiting] == [request.number]
    assert boss.get("/api/v1/requests", {"mine": "true"}).json()["items"] == []


def test_another_requesters_request_is_404(laptop, order, org):
    request = order(laptop)
    other = api_client_for(factories.requester(username="olga", organisation=org))
    response = other.get(f"/api/v1/requests/{request.number}")
    absent = other.get("/api/v1/requests/REQ9999999")
    assert response.status_code == 404
    assert response.json() == absent.json()
    assert other.get("/api/v1/requests").json()["items"] == []


def test_task_patch_moves_and_refuses(make_item, order, fulfiller):
    request = order(make_item(stages=[]))
    task = request.tasks.get(status="open")
    fred = api_client_for(fulfiller.user)
    refused = fred.patch(f"/api/v1/tasks/{task.number}", {"status": "waiting"})
    assert refused.status_code == 409
    assert refused.json()["error"]["allowed"] == ["in_progress", "done", "cancelled"]
    stale = fred.patch(
        f"/api/v1/tasks/{task.number}", {"status": "in_progress"}, headers={"If-Match": '"9"'}
    )
    assert stale.status_code == 412
    taken = fred.patch(f"/api/v1/tasks/{task.number}", {"status": "in_progress"})
    assert taken.json()["assignee"] == "fred"
    done = fred.patch(f"/api/v1/tasks/{task.number}", {"status": "done", "notes": "ok"})
    assert done.json()["status"] == "done"


def test_requester_is_mailed_at_each_step(laptop, order, manager, fulfiller):
    from steward.catalog.services import approval_decide, task_complete
    from tests.conftest import as_actor

    request = order(laptop)
    vote = request.approvals.get()
    approval_decide(
        as_actor(manager), number=request.number, approval_id=vote.pk, decision="approved"
    )
    for task in request.tasks.order_by("position"):
        task_complete(fulfiller, number=task.number)
    outbox.dispatch_pending()
    to_rita = OutgoingMail.objects.filter(recipient="rita@example.com").order_by("id")
    assert list(to_rita.values_list("kind", flat=True)) == [
        "request_received",
        "request_approved",
        "request_completed",
    ]
    assert OutgoingMail.objects.filter(
        recipient="manny@example.com", kind="request_approval"
    ).exists()
    outbox.dispatch_pending()  # nothing new but the survey's invitation, from its own event
    assert list(to_rita.values_list("kind", flat=True))[3:] == ["survey_invitation"]


@pytest.mark.parametrize(
    ("bound", "field"),
    [("NaN", "form.0.min"), ("Infinity", "form.0.min"), ("1e400", "form.0.min")],
)
def test_a_form_bound_that_is_not_finite_is_422_naming_it(admin, desk, bound, field):
    """A NaN bound reached the JSON column: a 500 (SQLite's JSON_VALID check, PostgreSQL's
    jsonb), and in memory a bound no answer is measured against."""
    api = api_client_for(admin.user, scopes=("read", "write", "admin"))
    field_json = '{"key": "n", "label": "N", "type": "number", "min": ' + bound + "}"
    body = (
        '{"name": "X", "slug": "x", "category": "Hw", "task_mode": "ordered", "form": ['
        + field_json
        + "]}"
    )
    response = api.post("/api/v1/catalog/items", body)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]
    assert not CatalogItem.objects.filter(slug="x").exists()


def test_a_condition_naming_a_list_is_422_naming_it(admin, desk):
    api = api_client_for(admin.user, scopes=("read", "write", "admin"))
    form = [
        {"key": "a", "label": "A", "type": "text"},
        {"key": "b", "label": "B", "type": "text", "show_if": {"field": ["a"], "equals": "x"}},
    ]
    response = api.post(
        "/api/v1/catalog/items",
        {"name": "X", "slug": "x", "category": "Hw", "task_mode": "ordered", "form": form},
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["form.1.show_if"]
    assert not CatalogItem.objects.filter(slug="x").exists()
