"""Few matches, ranked: narrowed to the actor's scope in rank order a batch at a time
(decision 0053), the same pages and cursors as narrowing every match first; the API's
rows for an actor who sees everything; PostgreSQL's statistics skip the count of a
common word."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.pagination import paginate_ranked
from steward.incidents.selectors import incident_list, queues, search, search_stats, search_walk
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import as_actor
from tests.incidents.conftest import search_page_examples, spelled

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ranked(agent_actor):
    """24 incidents, a seeded two in three spelling the word 1-6 times (so ranks differ and
    tie), a requester's and urgent ones mixed in; ranked with the default cut-off."""
    chance = random.Random(1053)  # noqa: S311 - a test's data set, not a secret
    caller = factories.requester()
    word = spelled("ibis")
    for _ in range(24):
        by = as_actor(caller) if chance.random() < 0.4 else agent_actor
        words = f"{word} " * chance.randint(1, 6) if chance.random() < 0.66 else "egret "
        incident_create(by, title=f"{words}nest", impact=chance.choice([1, 2, 3]), urgency=2)
    return caller, word


def _whole(qs, found, cursor, limit):
    """The page as it was read before decision 0053: every match narrowed, then paged."""
    allowed = set(qs.filter(id__in=[i for _, i in found.ranked]).values_list("id", flat=True))
    return paginate_ranked([k for k in found.ranked if k[1] in allowed], cursor=cursor, limit=limit)


@search_page_examples(6)
def test_ranked_pages_narrowed_in_batches_are_the_pages_of_all_matches_narrowed(
    agent_actor, ranked, limit, priority, requester
):
    caller, word = ranked
    actor = as_actor(caller) if requester else agent_actor
    qs = queues.incident_visible(actor)
    if priority:
        qs = qs.filter(priority__in=priority)
    found = search.find(word, include_internal=actor.is_agent)
    assert not found.newest
    assert found.ranked
    cursor, pages, seen = None, 0, []
    while True:
        page, nxt = search_walk._ranked_keys(qs, found.ranked, cursor=cursor, limit=limit)
        assert (page, nxt) == _whole(qs, found, cursor, limit)
        seen += [i for _, i in page]
        pages += 1
        if nxt is None:
            break
        cursor = nxt
    assert sorted(seen) == sorted(
        qs.filter(id__in=[i for _, i in found.ranked]).values_list("id", flat=True)
    )


def test_a_scope_that_keeps_the_best_matches_narrows_one_page(agent_actor, ranked):
    """An agent who sees everything: one ``id IN`` of a page and one more (3), not 16."""
    _, word = ranked
    found = search.find(word, include_internal=True)
    assert len(found.ranked) > 3
    qs = queues.incident_visible(agent_actor)
    with CaptureQueriesContext(connection) as ran:
        page, nxt = search_walk._ranked_keys(qs, found.ranked, cursor=None, limit=2)
    assert [i for _, i in page] == [i for _, i in found.ranked[:2]]
    assert nxt is not None
    assert len(ran) == 1
    assert len(ran[0]["sql"].split(" IN (")[1].split(")")[0].split(",")) == 3


@pytest.mark.parametrize("common", [False, True])
def test_the_api_rows_of_a_search_are_the_lists_rows(agent_api, ranked, monkeypatch, common):
    """Search pages for an agent who sees everything are read as the list's rows (no model
    instances): each item is what the plain list shows for the same incident."""
    _, word = ranked
    if common:
        monkeypatch.setattr(search, "MAX_HITS", 2)
    found = agent_api.get(f"/api/v1/incidents?q={word}&limit=100").json()["items"]
    listed = {i["number"]: i for i in agent_api.get("/api/v1/incidents?limit=100").json()["items"]}
    assert found
    assert all(item == listed[item["number"]] for item in found)
    assert len({i["number"] for i in found}) == len(found)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_postgres_statistics_skip_the_count_of_a_common_word(agent_actor, ranked, monkeypatch):
    """After ANALYZE the word is among the tsvector's most common elements: with a cut-off of
    2, one word lists newest first with no count; two words are still counted."""
    _, word = ranked
    monkeypatch.setattr(search, "MAX_HITS", 2)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {search.TABLE}")
    search_stats.forget()
    try:
        with CaptureQueriesContext(connection) as ran:
            page = incident_list(agent_actor, q=word)
        assert page.order == "newest"
        assert not any("count(*)" in q["sql"] for q in ran)
        newest = [i.number for i in page.items]
        monkeypatch.setattr(search_stats, "SURELY_COMMON", 10**9)  # never sure: counted
        search_stats.forget()
        with CaptureQueriesContext(connection) as ran:
            counted = incident_list(agent_actor, q=word)
        assert any("count(*)" in q["sql"] for q in ran)
        assert ([i.number for i in counted.items], counted.order) == (newest, "newest")
        monkeypatch.undo()
        monkeypatch.setattr(search, "MAX_HITS", 2)
        with CaptureQueriesContext(connection) as ran:
            incident_list(agent_actor, q=f"{word} nest")
        assert any("count(*)" in q["sql"] for q in ran)
    finally:
        search_stats.forget()
