"""The knowledge pages and the portal: reading, voting, writing, suggestions on the
incident forms, a draft from an incident, and bounded queries on the list pages."""

from __future__ import annotations

import pytest

from steward.core.actor import Actor
from steward.incidents.services import incident_create, incident_update
from steward.knowledge.models import Article, ArticleFeedback
from steward.knowledge.services import article_create, article_update
from tests import factories
from tests.knowledge.conftest import web_client
from tests.query_counts import counter, grows
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def test_a_requester_reads_and_votes_in_the_portal_frame(make_article, requester_web):
    article = make_article("Add a printer", "## Steps\n\n1. Open *Settings*.", state="published")
    page = requester_web.get(f"/knowledge/{article.number}/").content.decode()
    assert "<h2>Steps</h2>" in page
    assert "Help centre" in page
    assert "Edit" not in page  # no author's tools
    response = requester_web.post(f"/knowledge/{article.number}/vote/", {"helpful": "yes"})
    assert response.status_code == 303
    assert ArticleFeedback.objects.get().helpful is True
    page = requester_web.get(response["Location"]).content.decode()
    assert "you marked this helpful" in page


def test_an_article_keeps_the_help_centres_menu_for_requesters_only(
    make_article, requester_web, agent_web
):
    """The article said it opened "in the help centre's frame", but its page dropped the
    help centre's menu: from an article that did not help there was no way to her list."""
    article = make_article("Add a printer", "Open *Settings*.", state="published")

    def menu(client) -> list[str]:
        page = client.get(f"/knowledge/{article.number}/").content.decode()
        return [
            text_of(a) for a in elements(page, "a") if a.inside("nav", **{"class": "portal-nav"})
        ]

    assert menu(requester_web) == ["Help centre", "Report a problem", "My incidents and requests"]
    assert menu(agent_web) == []


def test_an_agent_writes_publishes_and_reads_an_older_version(agent_web):
    response = agent_web.post(
        "/knowledge/new/", {"title": "Reset MFA", "body": "Step one.", "audience": "agents"}
    )
    assert response.status_code == 303, response.content[:500]
    article = Article.objects.get()
    assert (article.audience, article.status) == ("agents", "draft")
    move = {"version": article.version, "status": "published"}
    assert agent_web.post(f"/knowledge/{article.number}/move/", move).status_code == 303
    article.refresh_from_db()
    edit = {
        "version": article.version,
        "title": "Reset MFA",
        "body": "Step two.",
        "audience": "agents",
    }
    assert agent_web.post(f"/knowledge/{article.number}/edit/", edit).status_code == 303
    old = agent_web.get(f"/knowledge/{article.number}/versions/1/").content.decode()
    assert "Step one." in old
    current = agent_web.get(f"/knowledge/{article.number}/").content.decode()
    assert "Step two." in current
    assert "Version 2" in current


def test_an_illegal_move_on_the_page_says_so(make_article, agent_web):
    article = make_article()
    response = agent_web.post(
        f"/knowledge/{article.number}/move/", {"version": article.version, "status": "retired"}
    )
    assert response.status_code == 422


def test_requesters_have_no_writing_pages(make_article, requester_web):
    article = make_article(state="published")
    assert requester_web.get("/knowledge/new/").status_code == 404
    assert requester_web.get(f"/knowledge/{article.number}/edit/").status_code == 404
    assert requester_web.post(f"/knowledge/{article.number}/move/", {}).status_code == 404


def test_the_incident_forms_ask_for_suggestions_as_the_title_is_typed(
    make_article, requester_web, agent_web
):
    article = make_article("VPN disconnects after ten minutes", state="published")
    for client in (requester_web, agent_web):
        form = client.get("/incidents/new/").content.decode()
        assert 'hx-get="/knowledge/suggest/"' in form
        assert "input changed delay:300ms" in form
        found = client.get("/knowledge/suggest/", {"title": "vpn disconn"}).content.decode()
        assert f'href="/knowledge/{article.number}/"' in found
    assert requester_web.get("/knowledge/suggest/", {"title": "zz"}).content.strip() == b""


def test_an_agent_turns_a_resolution_into_a_draft(agent_user, agent_web):
    requester = factories.requester(username="caller1")
    incident = incident_create(SYSTEM, title="Outlook keeps asking", caller=requester.username)
    incident_update(
        SYSTEM,
        number=incident.number,
        expected_version=None,
        changes={
            "status": "resolved",
            "resolution_code": "solved",
            "resolution_notes": "Removed the saved Office credentials.",
        },
    )
    page = agent_web.get(f"/incidents/{incident.number}/").content.decode()
    assert f'action="/knowledge/from-incident/{incident.number}/"' in page
    response = agent_web.post(f"/knowledge/from-incident/{incident.number}/")
    assert response.status_code == 303
    article = Article.objects.get()
    assert response["Location"] == f"/knowledge/{article.number}/edit/"
    assert (article.title, article.status) == ("Outlook keeps asking", "draft")
    assert "Removed the saved Office credentials." in article.body
    assert article.source_incident == incident
    assert article.owner == agent_user
    requester_page = web_client(requester).get(f"/incidents/{incident.number}/").content
    assert b"from-incident" not in requester_page


def test_the_portal_home_searches_and_lists_my_incidents(
    make_article, requester_web, requester_user
):
    make_article("Printer shows offline", "Cancel the jobs.", state="published")
    incident_create(SYSTEM, title="Docking station broken", caller=requester_user.username)
    page = requester_web.get("/help/", {"q": "printer"}).content.decode()
    assert "Printer shows offline" in page
    assert "Docking station broken" in page
    mine = requester_web.get("/help/mine/").content.decode()
    assert "Docking station broken" in mine
    assert requester_web.get("/help/report/")["Location"] == "/incidents/new/"


def test_the_help_centre_is_in_the_requesters_menu_only(requester_web, agent_web):
    assert 'href="/help/"' in requester_web.get("/").content.decode()
    agent_home = agent_web.get("/").content.decode()
    assert 'href="/help/"' not in agent_home
    assert 'href="/knowledge/"' in agent_home


def _adder(owner):
    nxt = counter()

    def add():
        n = nxt()
        article = article_create(
            SYSTEM, title=f"Printer tip {n}", body="Printer text.", owner=owner.username
        )
        article_update(
            SYSTEM, number=article.number, expected_version=None, changes={"status": "published"}
        )

    return add


def test_list_pages_do_not_grow_their_queries_with_rows(agent_user, agent_web, requester_web):
    add = _adder(agent_user)
    pages = [
        (agent_web, "/knowledge/", {}),
        (agent_web, "/knowledge/", {"q": "printer"}),
        (agent_web, "/knowledge/stats/", {"owner": ""}),
        (requester_web, "/help/", {"q": "printer"}),
        (requester_web, "/knowledge/suggest/", {"title": "printer"}),
    ]
    for client, url, query in pages:
        few, many = grows(add, lambda c=client, u=url, q=query: c.get(u, q), first=2, then=4)
        assert few == many, url


def test_a_forged_cursor_is_a_422_not_a_500(agent_web, requester_web):
    for client, url in (
        (agent_web, "/knowledge/"),
        (agent_web, "/knowledge/stats/"),
        (requester_web, "/help/mine/"),
    ):
        assert client.get(url, {"cursor": "not-a-cursor"}).status_code == 422, url


def test_drafting_from_an_unresolved_incident_says_why_on_the_incident_page(agent_web, agent_actor):
    from steward.incidents.services import incident_create

    incident = incident_create(agent_actor, title="Printer offline")
    response = agent_web.post(f"/knowledge/from-incident/{incident.number}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/incidents/{incident.number}/"
    assert "No article drafted: the incident has no resolution notes yet." in (
        response.content.decode()
    )


def test_the_category_select_groups_subcategories_under_their_category(agent_web):
    """The select put "Email › Delivery" between "Security › Data leak" and "Hardware › Desktop"
    (walk29): the article form lists each category followed by its own subcategories."""
    page = agent_web.get("/knowledge/new/").content.decode()
    labels = [text_of(o) for o in elements(page, "option")]
    email = [i for i, label in enumerate(labels) if label.split(" › ")[0] == "Email"]
    assert labels[email[0]] == "Email"
    assert email == list(range(email[0], email[0] + len(email)))  # one run, nothing between
