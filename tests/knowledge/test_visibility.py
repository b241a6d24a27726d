"""Requester isolation: a requester reads published articles for everyone of no
organisation or of their own; drafts, agents-only and other organisations' articles are
404 in the page, the list, the search, the suggestions and the API alike."""

from __future__ import annotations

import pytest

from steward.core.errors import NotFound
from steward.knowledge import selectors
from steward.knowledge.selectors import search
from tests import factories
from tests.conftest import api_client_for, as_actor

pytestmark = pytest.mark.django_db


def _readable(make_article):
    return make_article("Add a printer", "Printer steps.", state="published")


def test_a_requester_reads_only_published_everyone_articles(make_article, requester_actor, org_y):
    readable = _readable(make_article)
    hidden = [
        make_article("Printer draft", "printer"),
        make_article("Printer in review", "printer", state="review"),
        make_article("Printer spooler", "printer", audience="agents", state="published"),
        make_article("Printer for Y", "printer", organisation=org_y.slug, state="published"),
    ]
    visible = set(selectors.article_visible(requester_actor).values_list("number", flat=True))
    assert visible == {readable.number}
    for article in hidden:
        with pytest.raises(NotFound):
            selectors.article_get(requester_actor, number=article.number)
    found = selectors.article_list(requester_actor, q="printer").items
    assert [a.number for a in found] == [readable.number]
    suggested = selectors.article_suggest(requester_actor, q="printer")
    assert [a.number for a in suggested] == [readable.number]


def test_a_requester_of_the_organisation_reads_its_articles(make_article, org_y):
    article = make_article("Printer for Y", "printer", organisation=org_y.slug, state="published")
    member = as_actor(factories.requester(username="y-req", organisation=org_y))
    assert selectors.article_get(member, number=article.number) == article
    # the help centre's answer and the suggestions: the same rule, compiled into their SQL
    assert [a.number for a in selectors.article_best(member, q="printer", limit=10)] == [
        article.number
    ]
    assert [a.number for a in selectors.article_suggest(member, q="printer")] == [article.number]


def test_an_agent_limited_to_x_does_not_see_y_articles(make_article, x_agent, org_y):
    article = make_article("Printer for Y", "printer", organisation=org_y.slug)
    with pytest.raises(NotFound):
        selectors.article_get(x_agent, number=article.number)
    assert selectors.article_list(x_agent, q="printer").items == []
    make_article("Printer for Y, published", organisation=org_y.slug, state="published")
    assert selectors.article_best(x_agent, q="printer", limit=10) == []
    assert selectors.article_suggest(x_agent, q="printer") == []


def test_unreadable_articles_take_no_place_in_the_ranked_cut_off(
    monkeypatch, make_article, requester_actor
):
    readable = make_article("Printer offline", state="published")
    for n in range(3):  # newer, and hidden from requesters
        make_article(f"Printer spooler {n}", audience="agents", state="published")
    monkeypatch.setattr(search, "CANDIDATES", 2)
    assert [a.number for a in selectors.article_suggest(requester_actor, q="printer")] == [
        readable.number
    ]


def test_pages_and_api_answer_404(make_article, requester_web, requester_user):
    draft = make_article("Printer draft", "printer")
    agents = make_article("Printer spooler", "printer", audience="agents", state="published")
    api = api_client_for(requester_user)
    for article in (draft, agents):
        assert requester_web.get(f"/knowledge/{article.number}/").status_code == 404
        assert api.get(f"/api/v1/knowledge/articles/{article.number}").status_code == 404
        assert requester_web.get(f"/knowledge/{article.number}/versions/1/").status_code == 404
    listed = api.get("/api/v1/knowledge/articles", {"q": "printer"}).json()["items"]
    assert listed == []
    suggestions = requester_web.get("/knowledge/suggest/", {"title": "printer"})
    assert draft.number not in suggestions.content.decode()
    assert agents.number not in suggestions.content.decode()
    home = requester_web.get("/help/", {"q": "printer"}).content.decode()
    assert "Printer spooler" not in home
    assert "Printer draft" not in home
