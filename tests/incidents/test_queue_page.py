"""The incident queue page: tabs, the shared filter bar, the rows, paging, sorting, and the
agents' tools (take, bulk actions, saved views) that requesters never get."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import as_actor
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def test_queue_lists_visible_incidents(web, agent_actor, desk):
    incident_create(agent_actor, title="Projector broken", team="desk")
    page = web.get("/incidents/?queue=my_teams")
    assert page.status_code == 200
    assert b"Projector broken" in page.content


def test_queue_query_count_does_not_grow(web, agent_actor, desk):
    def count(n):
        for i in range(n):
            incident_create(agent_actor, title=f"t{i}", team="desk", assignee="agent1")
        web.get("/incidents/?queue=open")  # warm: the first read fills the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            web.get("/incidents/?queue=open")
        return len(ctx.captured_queries)

    # the stamps, the page with its keys (decisions 0042, 0064), their clocks; the saved
    # views are kept under their stamp (0064)
    assert count(2) == count(20) == 3


def test_the_queue_lists_teams_without_loading_their_members(web, agent_actor, desk):
    """The team filter needs names: it loaded every member of every team (a prefetch), so
    the page's work grew with the people in teams. Its rows still link to each incident."""
    made = incident_create(agent_actor, title="Projector broken", team="desk")

    def read() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as ctx:
            page = web.get("/incidents/?queue=open")
        assert page.status_code == 200
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]

    read()  # warm: the first read fills the per-process caches
    few, _ = read()
    for i in range(4):
        factories.TeamFactory(name=f"Team {i}", members=[factories.agent() for _ in range(3)])
    read()  # the new teams moved the teams stamp: this read fills the caches again
    many, statements = read()

    # the stamps, the page with its keys (decisions 0042, 0064), their clocks: the session,
    # its user, roles and served organisations, the team list, the agent's teams and saved
    # views come from the caches
    assert few == many == 3, statements
    assert not [sql for sql in statements if "_prefetch_related_val" in sql]
    page = web.get("/incidents/?queue=open")
    [link] = [e for e in elements(page.content, "a") if text_of(e) == made.number]
    # a chosen tab: the link carries the way back to it
    assert link.attrs["href"] == f"/incidents/{made.number}/?back=queue%3Dopen%26order%3Dpriority"
    assert b"Team 3" in page.content  # the new teams are offered in the filter


def test_htmx_filter_returns_only_rows(web, agent_actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows commits
        incident_create(agent_actor, title="Printer jam")
        incident_create(agent_actor, title="VPN down")
    page = web.get("/incidents/?queue=open&q=vpn&partial=1", HTTP_HX_REQUEST="true")
    assert b"<html" not in page.content
    assert b"VPN down" in page.content
    assert b"Printer jam" not in page.content


def test_bulk_assign_to_me(web, agent_actor):
    numbers = [incident_create(agent_actor, title=f"t{i}").number for i in range(3)]
    page = web.post(
        "/incidents/bulk/",
        {"action": "assign_me", "numbers": numbers, "next": "https://evil.example/"},
    )
    assert (page.status_code, page["Location"]) == (303, "/incidents/")
    assert set(Incident.objects.values_list("assignee__username", flat=True)) == {"agent1"}


def test_saved_views_are_per_user(web, agent_user):
    page = web.post(
        "/incidents/views/",
        {"name": "P1 network", "query": "queue=open&priority=1&team=network&evil=1"},
    )
    assert page.status_code == 303
    assert page["Location"] == "/incidents/?queue=open&priority=1&team=network"
    assert b"P1 network" in web.get("/incidents/").content
    other = Client()
    other.force_login(factories.agent())
    assert b"P1 network" not in other.get("/incidents/").content
    view_id = agent_user.saved_incident_views.get().pk
    other.post(f"/incidents/views/{view_id}/delete/")
    assert agent_user.saved_incident_views.count() == 1
    web.post(f"/incidents/views/{view_id}/delete/")
    assert agent_user.saved_incident_views.count() == 0


def test_the_sort_choice_orders_the_queue_and_stays_selected(web, agent_actor):
    old = incident_create(agent_actor, title="older one")
    Incident.objects.filter(pk=old.pk).update(opened_at=old.opened_at.replace(year=2025))
    incident_create(agent_actor, title="newer one")

    newest = web.get("/incidents/?queue=open&order=-opened_at").content.decode()
    oldest = web.get("/incidents/?queue=open&order=opened_at").content.decode()

    assert newest.index("newer one") < newest.index("older one")
    assert oldest.index("older one") < oldest.index("newer one")
    chosen = [
        o.attrs["value"]
        for o in elements(newest, "option")
        if o.inside("select", name="order") and "selected" in o.attrs
    ]
    assert chosen == ["-opened_at"]


def test_the_next_page_link_keeps_the_sort_and_filters(web, agent_actor, monkeypatch):
    monkeypatch.setattr("steward.core.pagination.DEFAULT_LIMIT", 2)
    for title in ("first", "second", "third"):
        incident_create(agent_actor, title=f"VPN {title}")
    incident_create(agent_actor, title="Printer", impact=1)  # filtered out by priority

    page = web.get("/incidents/?queue=open&order=-opened_at&priority=5").content.decode()
    [link] = [a for a in elements(page, "a") if text_of(a) == "Next page"]

    for url, partial in ((link.attrs["href"], False), (link.attrs["hx-get"], True)):
        assert ("partial=1" in url) is partial
        assert "order=-opened_at" in url
        assert "priority=5" in url
        nxt = web.get("/incidents/" + url, **({"HTTP_HX_REQUEST": "true"} if partial else {}))
        assert nxt.status_code == 200, nxt.content
        assert b"VPN first" in nxt.content
        assert b"VPN third" not in nxt.content
        assert b"Printer" not in nxt.content


def test_take_is_offered_on_open_unassigned_rows_of_my_teams_or_none(
    web, admin_actor, agent_actor, desk
):
    from steward.core.services import team_create

    team_create(admin_actor, name="Databases", slug="dba")
    mine = incident_create(agent_actor, title="Desk one", team="desk")
    free = incident_create(agent_actor, title="No team yet")
    theirs = incident_create(agent_actor, title="DBA one", team="dba")
    taken = incident_create(agent_actor, title="Taken", team="desk", assignee="agent1")

    page = web.get("/incidents/?queue=open").content.decode()
    offered = {b.attrs["hx-post"] for b in elements(page, "button") if text_of(b) == "Take"}

    back = "?back=queue%3Dopen%26order%3Dpriority"  # the page Take leads to goes back here
    assert offered == {
        f"/incidents/{mine.number}/take/{back}",
        f"/incidents/{free.number}/take/{back}",
    }
    assert theirs.number in page
    assert taken.number in page


def test_requesters_queue_has_no_agent_tools(requester_user, agent_user):
    mine = incident_create(as_actor(requester_user), title="My laptop is slow")
    client = Client()
    client.force_login(requester_user)

    page = client.get("/incidents/").content.decode()
    home = client.get("/").content.decode()

    assert mine.title in page
    tabs = re.findall(r'<a href="\?queue=(\w+)"', page)
    assert tabs == ["open", "all"]
    for agent_only in ("Take", "Assign selected to me", "Save view", 'name="numbers"'):
        assert agent_only not in page
    assert "All your incidents" in home
    assert 'href="/incidents/?queue=all"' in home
    agent = Client()
    agent.force_login(agent_user)
    assert "Assign selected to me" in agent.get("/incidents/").content.decode()


def test_a_priority_filter_that_is_not_a_number_is_ignored_not_a_500(web):
    # "²" passes str.isdigit() but int() refuses it; a 5,000-digit value is past int's limit
    for value in ("\u00b2", "9" * 5000, "x"):
        assert web.get("/incidents/", {"queue": "open", "priority": value}).status_code == 200


def test_a_view_without_a_name_is_refused_beside_the_name_in_place(web):
    response = web.post(
        "/incidents/views/", {"name": "", "query": "queue=open"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()

    assert response.status_code == 422
    assert content.lstrip().startswith("<form")  # only the form, swapped where it was
    assert "This field is required." in content
    saved = web.post(
        "/incidents/views/", {"name": "Open", "query": "queue=open"}, HTTP_HX_REQUEST="true"
    )
    assert (saved.status_code, saved["HX-Redirect"]) == (204, "/incidents/?queue=open")


def test_a_callers_queue_lists_her_newest_incident_first(requester_user):
    caller = as_actor(requester_user)
    urgent = incident_create(caller, title="Older but urgent", impact=1, urgency=1)
    Incident.objects.filter(pk=urgent.pk).update(opened_at=urgent.opened_at.replace(year=2025))
    incident_create(caller, title="Just reported")
    client = Client()
    client.force_login(requester_user)

    page = client.get("/incidents/").content.decode()
    by_priority = client.get("/incidents/?order=priority").content.decode()

    assert page.index("Just reported") < page.index("Older but urgent")
    assert by_priority.index("Older but urgent") < by_priority.index("Just reported")
    chosen = [
        o.attrs["value"]
        for o in elements(page, "option")
        if o.inside("select", name="order") and "selected" in o.attrs
    ]
    assert chosen == ["-opened_at"]
