"""Article search and suggestions: statements per request (the same on SQLite and
PostgreSQL), title matches first, and the ranked cut-off (a word in more articles than
the index ranks per query still answers, from the newest)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.knowledge import selectors
from steward.knowledge.selectors import search
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

# the cache stamps, the index's best matches, which of them the requester may read, the page
SEARCH_API = 4
# the cache stamps (the session, its user and their roles come from the per-process caches
# under them once warm: steward/core/sessions.py; 4 before); the title index's best readable
# matches (one statement: the readability rule joined in, the rows' columns returned)
SUGGEST_PAGE = 2
# the cache stamps (as above; 9 before); the journey's row; the title statement and (fewer
# than ten titles match) the full ranking's; the catalogue items; my open incidents; my
# open requests; the surveys waiting for my rating (decision 0128)
HELP_SEARCH = 8


def statements(call) -> int:
    call()  # the first request fills the caches
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


@pytest.fixture
def articles(make_article):
    made = [
        make_article("Connect to the VPN", "Open the client.", state="published"),
        make_article("VPN drops every hour", "Renew the lease.", state="published"),
        make_article("Printer jams", "Then try the vpn printer port.", state="published"),
    ]
    make_article("VPN draft", "Not yet.")  # a draft: requesters never see it
    return made


def test_search_statements(requester_user, articles):
    api = api_client_for(requester_user)
    assert statements(lambda: api.get("/api/v1/knowledge/articles", {"q": "vpn"})) == SEARCH_API
    found = api.get("/api/v1/knowledge/articles", {"q": "vpn"}).json()["items"]
    assert [a["title"] for a in found][-1] == "Printer jams"  # the passing mention last
    assert len(found) == 3


def test_suggestion_statements(requester_web, articles):
    count = statements(lambda: requester_web.get("/knowledge/suggest/", {"title": "vpn drop"}))
    assert count == SUGGEST_PAGE
    page = requester_web.get("/knowledge/suggest/", {"title": "vpn drop"}).content.decode()
    assert "VPN drops every hour" in page
    assert "VPN draft" not in page


def test_the_ranked_cut_off_answers_from_the_newest(monkeypatch, make_article, requester_actor):
    made = [make_article(f"Reset token {i}", "Body.", state="published") for i in range(6)]
    monkeypatch.setattr(search, "CANDIDATES", 4)
    hits = search.best_matches("token")
    assert sorted(i for _, i in hits) == sorted(a.pk for a in made[-4:])
    best = selectors.article_best(requester_actor, q="reset token", limit=3)
    assert len(best) == 3
    assert {a.id for a in best} <= {a.pk for a in made[-4:]}


def test_help_centre_search_statements(requester_web, articles, make_article):
    make_article("VPN for agents", "vpn", audience="agents", state="published")
    # fewer than ten titles match: the title statement, then the full ranking's
    count = statements(lambda: requester_web.get("/help/", {"q": "vpn"}))
    assert count == HELP_SEARCH
    page = requester_web.get("/help/", {"q": "vpn"}).content.decode()
    for article in articles:
        assert article.number in page
    assert page.index(articles[0].number) < page.index(articles[2].number)  # title first
    assert "VPN for agents" not in page
    assert "VPN draft" not in page
