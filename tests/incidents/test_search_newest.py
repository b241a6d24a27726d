"""Words matching more than ``MAX_HITS`` incidents: newest first, read from the index in
batches narrowed to what the actor may see, with cursors (decision 0030)."""

import base64
import itertools
import secrets

import pytest

from steward.core.errors import ValidationFailed
from steward.incidents.selectors import incident_list, queues, search
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db(transaction=True)


SPELLINGS = itertools.count(secrets.randbelow(10**6) * 100)


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
    word = f"heron{next(SPELLINGS)}"
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
    monkeypatch.setattr(queues, "NEWEST_BATCH", 2)
    monkeypatch.setattr(queues, "NEWEST_WALK", 4)
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
