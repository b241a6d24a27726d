"""The request and task pages with htmx: a decision, a reply, Take and Complete come back
as the record in place (no page load), a refusal as the record with its reasons (422), and
without JavaScript every form still posts and lands on the page (303)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories

HX = {"HTTP_HX_REQUEST": "true"}


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_record(response) -> str:
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="record">'), page[:200]
    assert "<html" not in page
    return page


def test_manager_decides_in_place(laptop, order, manager):
    request = order(laptop)
    vote = request.approvals.get()
    boss = web(manager)
    page = boss.get(f"/catalog/requests/{request.number}/").content.decode()
    assert f'hx-post="/catalog/requests/{request.number}/approvals/{vote.pk}/decide/"' in page
    assert 'hx-target="#record"' in page
    response = boss.post(
        f"/catalog/requests/{request.number}/approvals/{vote.pk}/decide/",
        {"decision": "approved", "comment": "fine"},
        **HX,
    )
    assert response.status_code == 200
    page = is_record(response)
    assert "In fulfilment" in page
    assert 'name="decision"' not in page  # decided: no buttons left
    again = boss.post(
        f"/catalog/requests/{request.number}/approvals/{vote.pk}/decide/",
        {"decision": "rejected"},
        **HX,
    )
    assert again.status_code == 422
    assert "already approved, request fulfilment" in is_record(again)


def test_reply_in_place_and_without_javascript(laptop, order, requester):
    request = order(laptop)
    rita = web(requester.user)
    url = f"/catalog/requests/{request.number}/comment/"
    page = is_record(rita.post(url, {"body": "Any news? <b>x</b>"}, **HX))
    assert "Any news?" in page
    assert "<b>x</b>" not in page  # inert
    empty = rita.post(url, {"body": ""}, **HX)
    assert empty.status_code == 422
    is_record(empty)
    plain = rita.post(url, {"body": "Second"})
    assert plain.status_code == 303
    assert plain["Location"] == f"/catalog/requests/{request.number}/"


def test_cancel_in_place(laptop, order, requester):
    request = order(laptop)
    page = is_record(
        web(requester.user).post(f"/catalog/requests/{request.number}/cancel/", {}, **HX)
    )
    assert "Cancelled" in page
    assert "Cancel this request" not in page


def test_take_and_complete_in_place(make_item, order, fulfiller):
    request = order(make_item(stages=[], tasks=[{"title": "Hand over", "team": "desk"}]))
    task = request.tasks.get()
    fred = web(fulfiller.user)
    page = is_record(
        fred.post(f"/catalog/tasks/{task.number}/take/", {"version": task.version}, **HX)
    )
    assert "In progress" in page
    stale = fred.post(
        f"/catalog/tasks/{task.number}/complete/", {"version": task.version, "notes": "x"}, **HX
    )
    assert stale.status_code == 422  # the version before Take: someone changed it
    assert "Reload" in is_record(stale)
    task.refresh_from_db()
    done = fred.post(
        f"/catalog/tasks/{task.number}/complete/", {"version": task.version, "notes": "ok"}, **HX
    )
    assert "Done" in is_record(done)
    request.refresh_from_db()
    assert request.status == "completed"


def test_in_place_answers_do_not_grow_with_the_record(laptop, order, requester):
    """The record partial after a reply: its queries do not grow with the replies."""
    request = order(laptop)
    rita = web(requester.user)
    url = f"/catalog/requests/{request.number}/comment/"

    def reply() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert rita.post(url, {"body": "More"}, **HX).status_code == 200
        return len(captured)

    reply()
    few = reply()
    for _ in range(5):
        reply()
    assert reply() == few


def test_someone_else_gets_404_not_the_record(laptop, order, org):
    request = order(laptop)
    olga = web(factories.requester(username="olga", organisation=org))
    response = olga.post(f"/catalog/requests/{request.number}/comment/", {"body": "hi"}, **HX)
    assert response.status_code == 404
