"""The item builder's task rows offer the teams from ``team_choices`` (slugs and names kept
under the teams stamp), not ``team_list``, which read every member of every team."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.catalog.views import administration
from steward.core import selectors as core_selectors
from tests import factories

PAGE = "/administration/catalog/items/new/"
HOSTILE = "<b>\"Night\" & 'Day'</b>"


def _teams() -> None:
    members = [factories.agent(), factories.agent()]
    factories.TeamFactory(name=HOSTILE, slug="night", members=members)
    factories.TeamFactory(name="Day", slug="day", members=members[:1])


def _page(client: Client) -> tuple[str, int, list]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE)
    assert response.status_code == 200
    # the form's CSRF token is masked afresh on each page
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return html, len(ctx.captured_queries), [q["sql"][:90] for q in ctx.captured_queries]


def test_the_builder_reads_no_team_when_warm(db):
    _teams()
    client = Client()
    client.force_login(factories.admin())
    _page(client)  # warm: the session, the user and the teams kept
    html, statements, ctx = _page(client)
    assert statements == 5, ctx  # seven with team_list (the teams, their members)
    assert "&lt;b&gt;&quot;Night&quot; &amp; &#x27;Day&#x27;&lt;/b&gt;" in html


def test_the_builder_draws_the_same_page_as_with_team_list(db, monkeypatch):
    _teams()
    client = Client()
    client.force_login(factories.admin())
    _page(client)
    kept, _, _ = _page(client)
    monkeypatch.setattr(
        administration.core_selectors,
        "team_choices",
        lambda actor, limit: core_selectors.team_list(actor, limit=limit).items,
    )
    listed, _, _ = _page(client)
    assert kept == listed
    assert 'value="night"' in kept
