"""The help centre pages with keyset cursors: all results of a search (ranked, a page at
a time) and "my incidents and requests" (each list on its own cursor); forged cursors are
422s, paging on does not start another self-help journey, queries do not grow with rows."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from steward.catalog.services import item_create, request_order
from steward.core.actor import Actor
from steward.incidents.services import incident_create
from steward.knowledge.models import Journey
from steward.knowledge.services import article_create, article_update
from tests import factories
from tests.conftest import as_actor
from tests.query_counts import counter, grows
from tests.web.html import elements, text_of

SYSTEM = Actor.system("tests")


def publish(owner, title):
    article = article_create(SYSTEM, title=title, body="Printer text.", owner=owner.username)
    article_update(
        SYSTEM, number=article.number, expected_version=None, changes={"status": "published"}
    )
    return article


def next_link(html: str, rel="next") -> str:
    found = [a.attrs["href"] for a in elements(html, "a") if a.attrs.get("rel") == rel]
    return found[0] if found else ""


def test_all_results_page_through_every_match_once(agent_user, requester_web):
    titles = {publish(agent_user, f"Printer tip {n}").title for n in range(23)}
    publish(agent_user, "Scanner jam")
    first = requester_web.get("/help/", {"q": "printer"}).content.decode()
    assert "All results for" in first
    journeys = Journey.objects.count()
    seen: list[str] = []
    url = "/help/?q=printer&more=1"
    while url:
        html = requester_web.get(url).content.decode()
        seen += [text_of(a) for a in elements(html, "a") if text_of(a).startswith("Printer tip")]
        url = next_link(html)
        if url and url.startswith("?"):
            url = "/help/" + url
    assert sorted(seen) == sorted(titles)  # each once, none left out
    assert Journey.objects.count() == journeys  # paging on is the same search


def test_few_results_offer_no_more(agent_user, requester_web):
    publish(agent_user, "Printer tip")
    assert "All results for" not in requester_web.get("/help/", {"q": "printer"}).content.decode()


def test_all_results_queries_do_not_grow(agent_user, requester_web):
    n = counter()
    few, many = grows(
        lambda: publish(agent_user, f"Printer tip {n()}"),
        lambda: requester_web.get("/help/", {"q": "printer", "more": "1"}),
        first=2,
        then=14,
    )
    assert few == many


def test_a_forged_cursor_is_a_422(requester_web):
    response = requester_web.get("/help/", {"q": "printer", "more": "1", "cursor": "x"})
    assert response.status_code == 422
    mine = requester_web.get("/help/mine/", {"requests": "not-a-cursor"})
    assert mine.status_code == 422


def test_a_stale_page_link_does_not_say_she_has_nothing(requester_user, requester_web):
    """A changed "Next page" link said "You have not reported anything yet" (and "not
    ordered anything") beside the stale-link message: the list was not read, not empty."""
    incident_create(SYSTEM, title="Docking station broken", caller=requester_user.username)
    for cursor, nothing in (
        ("cursor", "You have not reported anything yet."),
        ("requests", "You have not ordered anything yet."),
    ):
        page = requester_web.get("/help/mine/", {cursor: "not-a-cursor"})
        assert page.status_code == 422
        html = page.content.decode()
        assert "This page link is no longer valid." in html
        assert nothing not in html, cursor


def _orderable(db_admin):
    return item_create(
        as_actor(db_admin), name="Headset", slug="headset", form=[], approval_stages=[]
    )


def test_my_incidents_and_requests_page_on_their_own(requester_user, requester_web):
    item = _orderable(factories.admin(username="portal-admin"))
    me = as_actor(requester_user)
    numbers = [request_order(me, item=item.slug).number for _ in range(27)]
    incident_create(SYSTEM, title="Docking station broken", caller=requester_user.username)
    other = factories.requester(username="olga", organisation=requester_user.organisation)
    theirs = request_order(as_actor(other), item=item.slug).number
    html = requester_web.get("/help/mine/").content.decode()
    assert "Docking station broken" in html
    assert numbers[-1] in html  # newest first
    assert numbers[0] not in html  # on the next page
    assert theirs not in html
    nxt = next_link(html)
    assert "requests=" in nxt
    cursor = parse_qs(urlparse(nxt).query)["requests"][0]
    second = requester_web.get("/help/mine/", {"requests": cursor}).content.decode()
    assert numbers[0] in second
    assert numbers[-1] not in second
    assert theirs not in second
    assert "Docking station broken" in second  # the incidents stay on their first page


def test_my_list_queries_do_not_grow(requester_user, requester_web):
    item = _orderable(factories.admin(username="portal-admin"))
    me = as_actor(requester_user)
    n = counter()

    def add():
        request_order(me, item=item.slug)
        incident_create(SYSTEM, title=f"Broken {n()}", caller=requester_user.username)

    few, many = grows(add, lambda: requester_web.get("/help/mine/"))
    assert few == many
