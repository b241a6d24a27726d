"""Words matching more than ``MAX_HITS`` incidents: newest first, read from the index in
batches narrowed to what the actor may see, with cursors (decision 0030)."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.errors import ValidationFailed
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_list, queues, search, search_walk
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import as_actor
from tests.incidents.conftest import search_page_examples, spelled

pytestmark = pytest.mark.django_db(transaction=True)


def walk(actor, q, **kwargs):
    """Every page of the list, followed by its cursors: numbers, and each page's order."""
    seen, orders, cursor = [], set(), None
    while True:
        page = incident_list(actor, q=q, cursor=cursor, **kwargs)
        seen += [i.number for i in page.items]
        orders.add(page.order)
        cursor = page.next
        if cursor is None:
            return seen, orders


@pytest.fixture
def common(agent_actor, monkeypatch):
    """Nine ``heron`` incidents (three of them a requester's, priority 1 every third):
    with ``MAX_HITS`` 3 the word is common. Each test spells it anew (``heron`` and a
    number): the index table is not a model, so a flush between tests leaves its rows."""
    caller = factories.requester()
    word = spelled("heron")
    made = []
    for i in range(9):
        by = as_actor(caller) if i % 3 == 1 else agent_actor
        extra = {"impact": 1, "urgency": 1} if i % 3 == 0 else {}
        # the oldest repeats the word most: ranked, it comes first
        made.append(incident_create(by, title=f"{word} {f'{word} ' * (8 - i)}nest", **extra))
    incident_create(agent_actor, title="egret nest")  # not a match
    monkeypatch.setattr(search, "MAX_HITS", 3)
    return caller, made, word


def test_a_common_word_lists_every_match_newest_first(agent_actor, common):
    _, made, word = common
    newest = [i.number for i in reversed(made)]
    page = incident_list(agent_actor, q=word)
    assert [i.number for i in page.items] == newest
    assert page.order == "newest"
    # a page at a time (the index read in batches of a page and one more)
    assert walk(agent_actor, word, limit=2) == (newest, {"newest"})


def test_the_newest_path_keeps_visibility_and_filters(agent_actor, common):
    caller, made, word = common
    theirs = [i.number for i in reversed(made) if i.caller_id == caller.pk]
    assert walk(as_actor(caller), word, limit=1) == (theirs, {"newest"})
    urgent = [i.number for i in reversed(made) if i.priority == 1]
    assert len(urgent) == 3
    assert walk(agent_actor, word, priority=[1], limit=2) == (urgent, {"newest"})


def test_a_filter_that_keeps_few_matches_reads_batches_and_hands_on_a_cursor(
    agent_actor, common, monkeypatch
):
    _, made, word = common
    oldest = made[0].number  # priority 1, and the last match the walk reaches
    monkeypatch.setattr(search_walk, "NEWEST_BATCH", 2)
    monkeypatch.setattr(search_walk, "NEWEST_WALK", 4)
    monkeypatch.setattr(search_walk, "SMALL_SET", 0)  # the index drives (not the small filter)
    first = incident_list(agent_actor, q=word, priority=[1], limit=1)
    # the walk stopped after 4 matches read: one of the 3 urgent ones found, more to come
    assert [i.number for i in first.items] == [made[6].number]
    assert first.next is not None
    assert walk(agent_actor, word, priority=[1], limit=1)[0] == [
        made[6].number,
        made[3].number,
        oldest,
    ]


def test_few_matches_are_still_ranked(agent_actor, common, monkeypatch):
    _, made, word = common
    monkeypatch.setattr(search, "MAX_HITS", 9)
    page = incident_list(agent_actor, q=word)
    assert page.order == "relevance"
    assert [i.number for i in page.items] == [i.number for i in made]  # most repeats first


@pytest.mark.parametrize("values", ['"x"', '["x", "x"]', "[-1.0]", '[-1.0, "1"]', "[1, true]"])
def test_a_forged_cursor_is_refused(agent_actor, common, values):
    forged = base64.urlsafe_b64encode(values.encode()).decode()
    with pytest.raises(ValidationFailed) as refused:
        incident_list(agent_actor, q=common[2], cursor=forged)
    assert "cursor" in refused.value.fields


def test_the_api_lists_common_words_newest_first_and_rare_ones_by_rank(
    agent_api, common, monkeypatch
):
    """The API's page keeps every list's shape (``items``, ``next``: tests/contract); the
    order is the selector's (``Page.order``, checked above)."""
    _, made, word = common
    body = agent_api.get(f"/api/v1/incidents?q={word}&limit=2").json()
    assert (set(body), [i["number"] for i in body["items"]]) == (
        {"items", "next"},
        [made[8].number, made[7].number],
    )
    monkeypatch.setattr(search, "MAX_HITS", 9)
    body = agent_api.get(f"/api/v1/incidents?q={word}&limit=2").json()
    assert [i["number"] for i in body["items"]] == [made[0].number, made[1].number]


def _index_drives(monkeypatch):
    monkeypatch.setattr(search_walk, "_small_set", lambda qs, below: None)


def _filter_drives(monkeypatch):
    monkeypatch.setattr(search_walk, "TURN_AT", -1)  # turn round after any first batch
    monkeypatch.setattr(search_walk, "SMALL_SET", 10**6)


def _keys(actor, q, **filters):
    """``_newest_keys`` as ``incident_list`` calls it, and the statements it ran."""
    qs = queues.incident_visible(actor)
    if "priority" in filters:
        qs = qs.filter(priority__in=filters.pop("priority"))
    found = search.find(q, include_internal=actor.is_agent)
    with CaptureQueriesContext(connection) as ran:
        keys = search_walk._newest_keys(qs, found, **filters)
    return keys, [c["sql"] for c in ran]


def test_a_small_filtered_set_drives_and_the_index_says_which_match(
    agent_actor, common, monkeypatch
):
    """The first batch (2 of the newest matches) keeps no urgent one: the urgent incidents
    below it are read once (3 ids) and the index asked once which of them match."""
    _, made, word = common
    (page, nxt), ran = _keys(agent_actor, word, priority=[1], cursor=None, limit=1)
    assert [i for _, i in page] == [made[6].pk]
    assert nxt is not None
    # the first batch read from the index (the check only counted the matches), narrowed,
    # the small set, the index asked
    assert len(ran) == 4
    assert search.TABLE in ran[-1]
    _index_drives(monkeypatch)
    (walked, walked_next), walked_ran = _keys(agent_actor, word, priority=[1], cursor=None, limit=1)
    assert (walked, walked_next) == (page, nxt)
    # 2 read and narrowed, the index read again (nothing kept: fourfold, 8; 7 left), 7 narrowed
    assert len(walked_ran) == 4


def test_a_large_filtered_set_keeps_the_index_walk(agent_actor, common, monkeypatch):
    _, made, word = common
    monkeypatch.setattr(search_walk, "SMALL_SET", 2)  # 3 urgent incidents below: too many
    (page, _), ran = _keys(agent_actor, word, priority=[1], cursor=None, limit=1)
    assert [i for _, i in page] == [made[6].pk]
    assert not any(search.TABLE in sql and "IN (" in sql and "MATCH" in sql for sql in ran)


@pytest.fixture
def generated(agent_actor, monkeypatch):
    """30 incidents, a seeded two in three spelling the word, priorities and callers mixed:
    with ``MAX_HITS`` 2 the word is common."""
    import random

    chance = random.Random(1031)  # noqa: S311 - a test's data set, not a secret
    caller = factories.requester()
    word = spelled("heron")
    for _ in range(30):
        by = as_actor(caller) if chance.random() < 0.3 else agent_actor
        urgency = chance.choice([1, 2, 3])
        title = f"{word} nest" if chance.random() < 0.66 else "egret nest"
        incident_create(by, title=title, impact=chance.choice([1, 2, 3]), urgency=urgency)
    monkeypatch.setattr(search, "MAX_HITS", 2)
    return caller, word


@search_page_examples(7)
def test_both_strategies_give_the_same_pages_and_cursors(
    agent_actor, generated, limit, priority, requester
):
    caller, word = generated
    actor = as_actor(caller) if requester else agent_actor
    filters = {"priority": sorted(set(priority))} if priority else {}
    with pytest.MonkeyPatch.context() as patch:
        _index_drives(patch)
        by_index = _pages(actor, word, limit, filters)
    with pytest.MonkeyPatch.context() as patch:
        _filter_drives(patch)
        by_filter = _pages(actor, word, limit, filters)
        patch.setattr(search, "PROBE_SPAN", 0)  # SQLite: every batch asked id by id
        by_lookup = _pages(actor, word, limit, filters)
    assert by_filter == by_index
    assert by_lookup == by_index
    matches = Incident.objects.filter(title__startswith=f"{word} ")
    if requester:
        matches = matches.filter(caller=caller)
    if priority:
        matches = matches.filter(priority__in=priority)
    newest = list(matches.order_by("-id").values_list("number", flat=True))
    assert [n for numbers, _ in by_index for n in numbers] == newest


def _pages(actor, word, limit, filters):
    """Every page as (numbers, next cursor), followed from the first."""
    pages, cursor = [], None
    while True:
        page = incident_list(actor, q=word, cursor=cursor, limit=limit, **filters)
        assert page.order == "newest"
        pages.append(([i.number for i in page.items], page.next))
        cursor = page.next
        if cursor is None:
            return pages


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL decides by statistics")
def test_sqlite_counts_a_words_matches_in_the_database(agent_actor, common):
    """Whether a word is common is counted inside SQLite, not by reading ``MAX_HITS + 1``
    ids into Python (0.63 ms a request for a common word at 1,000,000 incidents)."""
    _, _, word = common
    with CaptureQueriesContext(connection) as ran:
        found = search.find(word, include_internal=True)
    asked = [c["sql"] for c in ran if search.TABLE in c["sql"] and "MATCH" in c["sql"]]
    assert found.newest
    assert len(asked) == 1
    assert asked[0].startswith("SELECT count(*) FROM (SELECT rowid FROM")
