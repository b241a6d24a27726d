"""Hypothesis on the search syntax, on whichever database the run uses (SQLite FTS5 or
PostgreSQL tsvector): arbitrary text in ``?q=`` (unicode, quotes, query operators, NUL,
control characters, long strings) at every search entry point, API and web, is never a
500; a refusal is a 4xx naming ``q``; and what is found stays scoped to the reader (an agent
limited to another organisation finds nothing of B's, whatever the words)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from steward.changes import services as change_services
from steward.cmdb import services as cmdb_services
from steward.core import services
from steward.core.actor import Actor
from steward.incidents import services as incident_services
from steward.incidents.services import search_index
from steward.problems import services as problem_services
from tests import factories
from tests.conftest import api_client_for
from tests.contract.conftest import limited_agent

MARK = "wqzzkb"  # on every record of B's; text hypothesis will not write by chance
API = ["/api/v1/incidents", "/api/v1/problems", "/api/v1/changes", "/api/v1/cis", "/api/v1/users"]
WEB = ["/incidents/", "/problems/", "/changes/", "/cmdb/", "/teams/", "/sla/"]
SETTINGS = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Query syntax of both engines, and what breaks drivers: each is tried at every entry point.
SPECIALS = [
    '"',
    "'",
    '"unbalanced',
    "*",
    "a*",
    "-x",
    "^start",
    "title:x",
    "public : (x)",
    "NEAR(a b)",
    "a OR b AND NOT c",
    "a & b | !c",
    "x:*",
    "((",
    "\\",
    "%",
    "_",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\x7f\x1b[31m",
    "\u2028",
    "\ufeff",
    "\U0001f4a5",
    "\u0301",
    "ß İ ǅ ﬁ",
    "²³ ½",
    "ﷺ",
    "\U0001d518\U0001d52b",
    "\uffff",
    "a" * 2000,
    "wqzzkb",  # B's marker itself: found nowhere by A
    "wqzzkb incident",
    MARK.upper(),
]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates in a str
    max_size=300,
) | st.sampled_from(SPECIALS)


@pytest.fixture
def reader(db):
    """Records of organisation B, each carrying MARK, searchable; an agent limited to A."""
    org_a = factories.OrganisationFactory(slug="search-a")
    org_b = factories.OrganisationFactory(slug="search-b", name=f"{MARK} org")
    system = Actor.system("search-fuzz")
    b = services.user_create(
        system, username=f"{MARK}-user", organisation=org_b.slug, roles=["agent"]
    )
    b.served_organisations.set([org_b])
    services.team_create(system, name=f"{MARK} team", organisation=org_b.slug)
    incident = incident_services.incident_create(
        Actor(user=b), title=f"{MARK} incident", description=f"{MARK} words"
    )
    search_index.reindex([incident.pk])
    problem_services.problem_create(Actor(user=b), title=f"{MARK} problem", organisation=org_b.slug)
    ci = cmdb_services.ci_create(
        system, name=f"{MARK}-ci", ci_class="server", organisation=org_b.slug
    )
    change_services.change_create(Actor(user=b), title=f"{MARK} change", cis=[ci.number])
    agent = limited_agent("search-walker", org_a)
    web = Client()
    web.force_login(agent)
    return {"api": api_client_for(agent), "web": web, "secrets": [MARK, incident.number]}


def _judge(response, secrets: list[str], is_api: bool, q: str = "") -> None:
    status = response.status_code
    assert status < 500, response.content[:500]
    if is_api and status >= 400:
        fields = response.json()["error"].get("fields") or {}
        assert "q" in fields, response.content[:500]
    elif not is_api:
        assert status in (200, 422), status
    text = response.content.decode("utf-8", "replace")
    for echo in (f'value="{escape(q)}"', f"q={quote_plus(q)}", f"q={quote(q)}"):
        text = text.replace(echo, "")  # the search box and its links repeat the words
    text = text.lower()
    for secret in secrets:
        assert secret.lower() not in text, secret


@pytest.mark.parametrize("path", API)
@SETTINGS
@given(q=TEXT)
@example(q="")
def test_api_search_takes_any_text(reader, path, q):
    response = reader["api"].get(path, {"q": q})
    _judge(response, reader["secrets"], is_api=True)


@pytest.mark.parametrize("path", WEB)
@SETTINGS
@given(q=TEXT)
def test_web_search_takes_any_text(reader, path, q):
    response = reader["web"].get(path, {"q": q}, headers={"HX-Request": "true"})
    _judge(response, reader["secrets"], is_api=False, q=q)


@pytest.mark.parametrize("q", SPECIALS, ids=range(len(SPECIALS)))
def test_every_special_at_every_entry_point(reader, q):
    for path in API:
        _judge(reader["api"].get(path, {"q": q}), reader["secrets"], is_api=True)
    for path in WEB:
        _judge(reader["web"].get(path, {"q": q}), reader["secrets"], is_api=False, q=q)


def test_the_search_finds_what_the_reader_may_see(reader, admin_user):
    """Control: the same words find B's records for an administrator, so the searches
    above found nothing because of the scope, not because search is broken."""
    admin = api_client_for(admin_user)
    for path in ("/api/v1/incidents", "/api/v1/problems", "/api/v1/changes", "/api/v1/cis"):
        items = admin.get(path, {"q": MARK}).json()["items"]
        assert items, path
