"""Several words on PostgreSQL: the capped count is asked of the whole words first and of
the prefixes only when that does not settle it (decision 0062). The pages, their order and
cursors are those of the prefixes' count alone, on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.incidents.selectors import incident_list, search
from steward.incidents.services import incident_create
from tests.incidents.conftest import spelled

pytestmark = pytest.mark.django_db(transaction=True)
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def words(agent_actor, monkeypatch):
    """Two words: three incidents spell both whole, two spell them only as prefixes
    (``…s``), one spells one word alone. With ``MAX_HITS`` 2 the whole words are common
    (3), a prefix of both only by its prefixes (5 against 0 whole), a third word rare."""
    first, second = spelled("plover"), spelled("fen")
    for title in (
        *[f"{first} {second} nest"] * 3,
        *[f"{first}s {second}s nest"] * 2,
        f"{first} alone",
    ):
        incident_create(agent_actor, title=title, impact=2, urgency=2)
    monkeypatch.setattr(search, "MAX_HITS", 2)
    return first, second


def _walk(actor, q: str):
    """Every page of the list (pages of 2) with the statements each way ran: numbers,
    orders, statements' SQL."""
    seen, orders, statements, cursor = [], [], [], None
    while True:
        with CaptureQueriesContext(connection) as ran:
            page = incident_list(actor, q=q, cursor=cursor, limit=2)
        statements += [r["sql"] for r in ran]
        seen.append([i.number for i in page.items])
        orders.append(page.order)
        cursor = page.next
        if cursor is None:
            return seen, orders, statements


def _both(actor, q: str, monkeypatch):
    _walk(actor, q)  # once first: what a process reads once (the actor's scope, statistics)
    whole = _walk(actor, q)
    monkeypatch.setattr(search, "WHOLE_WORDS_FIRST", False)
    prefixes = _walk(actor, q)
    monkeypatch.setattr(search, "WHOLE_WORDS_FIRST", True)
    assert whole[:2] == prefixes[:2]  # the same pages in the same order, cursor by cursor
    return whole, prefixes


def _counts(statements: list[str]) -> list[str]:
    return [s for s in statements if "count(*)" in s]


def test_whole_words_that_are_common_settle_the_count(agent_actor, words, monkeypatch):
    first, second = words
    whole, prefixes = _both(agent_actor, f"{first} {second}", monkeypatch)
    assert set(whole[1]) == {"newest"}
    assert sum(len(p) for p in whole[0]) == 5  # noqa: PLR2004 - the prefixes' matches
    if not POSTGRES:
        return
    # one count a page each way, the same statements: the whole words' count, no prefix
    pages = len(whole[0])
    assert len(whole[2]) == len(prefixes[2])
    assert len(_counts(whole[2])) == len(_counts(prefixes[2])) == pages
    assert all(":*" not in c and f"'{first} & {second}'" in c for c in _counts(whole[2]))
    assert all(":*" in c for c in _counts(prefixes[2]))


def test_words_common_only_as_prefixes_are_counted_as_prefixes(agent_actor, words, monkeypatch):
    """``plover1 fe``: no row holds ``fe`` whole; as prefixes five rows match both."""
    first, second = words
    whole, prefixes = _both(agent_actor, f"{first} {second[:2]}", monkeypatch)
    assert set(whole[1]) == {"newest"}
    assert sum(len(p) for p in whole[0]) == 5  # noqa: PLR2004
    if not POSTGRES:
        return
    pages = len(whole[0])  # a page: the whole words' count, then the prefixes' as before
    assert len(whole[2]) == len(prefixes[2]) + pages
    assert [":*" in c for c in _counts(whole[2])] == [False, True] * pages


def test_a_rare_pair_is_ranked_as_before(agent_actor, words, monkeypatch):
    first, _ = words
    whole, _ = _both(agent_actor, f"{first} alone", monkeypatch)
    assert len(whole[0]) == 1
    assert len(whole[0][0]) == 1
    assert whole[1] == ["relevance"]
    if not POSTGRES:
        return
    assert [":*" in c for c in _counts(whole[2])] == [False, True]


def test_one_word_is_never_counted_whole(agent_actor, words, monkeypatch):
    first, _ = words
    whole, prefixes = _both(agent_actor, first, monkeypatch)
    index = [[s for s in way[2] if search.TABLE in s] for way in (whole, prefixes)]
    assert index[0] == index[1]  # the index asked the same, in the same words
    if POSTGRES:  # whole words are PostgreSQL's to count first (SQLite counts the phrase asked)
        assert all(":*" in c for c in _counts(whole[2]))
