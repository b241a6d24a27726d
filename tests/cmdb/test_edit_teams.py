"""The CI form's owner and support team drop-downs come from ``team_choices`` (slugs and
names kept under the teams stamp), not ``team_list``, which read every member of every
team on each page."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.cmdb.views import edit
from steward.core import selectors as core_selectors
from tests import factories
from tests.cmdb.conftest import make_ci

HOSTILE = "<b>\"Night\" & 'Day'</b>"


def _world() -> tuple[Client, str]:
    members = [factories.agent(), factories.agent()]
    night = factories.TeamFactory(name=HOSTILE, slug="night", members=members)
    factories.TeamFactory(name="Day", slug="day", members=members[:1])
    ci = make_ci(owner_team=night.slug)
    client = Client()
    client.force_login(factories.admin())
    return client, f"/cmdb/cis/{ci.number}/edit/"


def _page(client: Client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # the CSRF token is masked afresh on each page
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return html, [q["sql"][:90] for q in ctx.captured_queries]


def test_the_new_ci_form_reads_no_team_when_warm(db):
    client, _ = _world()
    _page(client, "/cmdb/cis/new/?class=server")  # warm: the session, the user and the teams kept
    html, statements = _page(client, "/cmdb/cis/new/?class=server")
    assert len(statements) == 4, statements  # six with team_list (the teams, their members)
    assert "&lt;b&gt;&quot;Night&quot; &amp; &#x27;Day&#x27;&lt;/b&gt;" in html


def test_the_ci_forms_are_the_same_pages_as_with_team_list(db, monkeypatch):
    client, url = _world()
    pages = ("/cmdb/cis/new/", "/cmdb/cis/new/?class=server", url)
    for page in pages:
        _page(client, page)
    kept = [_page(client, page)[0] for page in pages]
    monkeypatch.setattr(
        edit.core_selectors,
        "team_choices",
        lambda actor, limit: core_selectors.team_list(actor, limit=limit).items,
    )
    assert [_page(client, page)[0] for page in pages] == kept
    assert '<option value="night" selected>' in kept[2]
