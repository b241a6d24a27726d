"""A CI's history is read a keyset page at a time, on its page ("Older changes") and over
the API (``GET /api/v1/cis/{number}/history``): a page costs the same statements however
long the history, and every change is reachable (the page showed the newest 200 and no
more, the rest out of reach)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.cmdb import services
from steward.cmdb.selectors.history import TIMELINE_PAGE
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.conftest import api_client_for
from tests.contract.shape import assert_error

pytestmark = pytest.mark.django_db
OLDER = re.compile(r'<a class="button" rel="next" href="\?history=([^"#]+)#history">')


def change(admin, ci, times: int, start: int = 0) -> None:
    for i in range(start, start + times):
        services.ci_update(
            admin, number=ci.number, expected_version=None, changes={"description": f"d{i}"}
        )


@pytest.fixture
def browser(db) -> Client:
    client = Client()
    client.force_login(factories.agent())
    return client


def lines(html: str) -> list[str]:
    """The history's lines: each names the description it set ("d7")."""
    history = html.split('id="history"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"→ (d\d+)", history)


def test_the_page_shows_the_newest_changes_and_pages_to_the_oldest(admin, browser):
    ci = make_ci("server")
    change(admin, ci, 2 * TIMELINE_PAGE + 10)

    seen, pages, url = [], 0, f"/cmdb/cis/{ci.number}/"
    query: dict[str, str] = {}
    while True:
        response = browser.get(url, query)
        assert response.status_code == 200
        html = response.content.decode()
        shown = lines(html)
        assert len(shown) <= TIMELINE_PAGE
        seen += shown
        pages += 1
        older = OLDER.search(html)
        if older is None:
            break
        assert "Newest changes" in html or pages == 1
        query = {"history": older[1]}

    assert pages == 3
    # every change once, newest first (the creation, with no description, on the last page)
    assert seen == [f"d{i}" for i in reversed(range(2 * TIMELINE_PAGE + 10))]


def test_the_page_costs_the_same_statements_however_long_the_history(admin, browser):
    """Measured on the page holding the creation (its class is named: one lookup more than
    a page of updates only), for a history of four entries and of 154."""
    ci = make_ci("server")
    change(admin, ci, 3)
    url = f"/cmdb/cis/{ci.number}/"

    def count(query: dict[str, str]) -> tuple[int, str | None]:
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(url, query)
        assert response.status_code == 200
        older = OLDER.search(response.content.decode())
        return len(queries), older[1] if older else None

    count({})  # warm the per-process caches
    few, none = count({})
    change(admin, ci, 3 * TIMELINE_PAGE, start=3)
    newest, older = count({})
    pages = [newest]
    while older:
        statements, older = count({"history": older})
        pages.append(statements)

    assert none is None
    assert len(pages) == 4
    assert pages[-1] == few  # the oldest page, with the creation, as the short history
    assert max(pages) == few, pages


def test_a_forged_history_cursor_shows_the_newest_changes_and_says_why(admin, browser):
    ci = make_ci("server")
    change(admin, ci, 3)

    response = browser.get(f"/cmdb/cis/{ci.number}/", {"history": "not-a-cursor"})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="history-error"' in html
    assert lines(html) == ["d2", "d1", "d0"]


def test_the_api_pages_the_history_newest_first(admin, agent_api):
    ci = make_ci("server")
    change(admin, ci, 25)
    url = f"/api/v1/cis/{ci.number}/history"

    ids, cursor = [], None
    while True:
        body = agent_api.get(url, {"limit": 10, **({"cursor": cursor} if cursor else {})})
        assert body.status_code == 200, body.content
        page = body.json()
        assert len(page["items"]) <= 10
        ids += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break

    assert len(ids) == 26  # the creation and 25 updates, each once
    assert ids == sorted(ids, reverse=True)
    first = agent_api.get(url, {"limit": 1}).json()["items"][0]
    assert first["changes"]["description"] == ["d23", "d24"]
    assert first["action"] == "update"


def test_the_api_costs_the_same_statements_however_long_the_history(admin, agent_api):
    ci = make_ci("server")
    change(admin, ci, 3)
    url = f"/api/v1/cis/{ci.number}/history"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert agent_api.get(url).status_code == 200
        return len(queries)

    count()
    few = count()
    change(admin, ci, 2 * TIMELINE_PAGE, start=3)
    many = count()

    assert many == few, (few, many)
    assert len(agent_api.get(url).json()["items"]) == TIMELINE_PAGE


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": 501}, "limit"), ({"limit": 0}, "limit"), ({"cursor": "x"}, "cursor")],
)
def test_the_api_refuses_a_bad_page_naming_it(admin, agent_api, query, field):
    ci = make_ci("server")

    response = agent_api.get(f"/api/v1/cis/{ci.number}/history", query)

    assert_error(response, 422, "validation_error", field=field)


def test_the_api_history_of_an_invisible_ci_is_404(db):
    hidden = make_ci("server", organisation=factories.OrganisationFactory(slug="other").slug)
    limited = factories.agent()
    limited.served_organisations.set([factories.OrganisationFactory()])
    client = api_client_for(limited)

    assert client.get(f"/api/v1/cis/{hidden.number}/history").status_code == 404
    assert client.get("/api/v1/cis/CI9999999/history").status_code == 404
