"""A common word's walk turned round to the scope's own index (decision 0055): an agent's
open team work (``my_teams``) and a requester's own and watched incidents, read newest
first and asked of the search index, give the pages and cursors of the index walk."""

import itertools
import random
import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.incidents.models import Incident
from steward.incidents.selectors import incident_list, queues, search, search_walk
from steward.incidents.selectors.records import incident_visible
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db(transaction=True)

SPELLINGS = itertools.count(secrets.randbelow(10**6) * 100 + 50)


@pytest.fixture
def scoped(agent_user, monkeypatch):
    """40 incidents, a seeded two in three spelling the word, spread over three teams (the
    agent is in two) and no team, a third of them closed; a requester raised some and
    watches others (one of her own too: it comes once). ``MAX_HITS`` 2: the word is
    common."""
    chance = random.Random(1055)  # noqa: S311 - a test's data set, not a secret
    agent = as_actor(agent_user)
    mine = [factories.TeamFactory(members=[agent_user]) for _ in range(2)]
    other = factories.TeamFactory()
    caller = factories.requester()
    word = f"heron{next(SPELLINGS)}"
    for _ in range(40):
        by = as_actor(caller) if chance.random() < 0.3 else agent
        title = f"{word} nest" if chance.random() < 0.66 else "egret nest"
        made = incident_create(by, title=title, impact=chance.choice([1, 2, 3]), urgency=2)
        team = chance.choice([*mine, other, None])
        closed = chance.random() < 0.33
        Incident.objects.filter(pk=made.pk).update(
            team=team, **({"status": "closed"} if closed else {})
        )
        if (made.caller_id != caller.pk and chance.random() < 0.3) or chance.random() < 0.05:
            Incident.watchers.through.objects.get_or_create(incident_id=made.pk, user=caller)
    monkeypatch.setattr(search, "MAX_HITS", 2)
    return agent, as_actor(caller), word


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


def _expected(actor, word, filters):
    """The ORM's answer: every visible match in the list's scope, newest first."""
    qs = incident_visible(actor)
    if filters.get("queue") == "my_teams":
        qs = qs.filter(team__members=actor.user, is_open=1)
    if filters.get("priority"):
        qs = qs.filter(priority__in=filters["priority"])
    qs = qs.filter(title__startswith=f"{word} ")
    return list(qs.order_by("-id").values_list("number", flat=True).distinct())


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    limit=st.integers(1, 6),
    priority=st.one_of(st.none(), st.lists(st.integers(1, 5), min_size=1, max_size=3)),
    requester=st.booleans(),
    batch=st.sampled_from([2, 3, 2000]),
)
def test_the_driven_walk_gives_the_index_walks_pages_and_cursors(
    scoped, limit, priority, requester, batch
):
    agent, caller, word = scoped
    actor = caller if requester else agent
    filters = {"queue": "all" if requester else "my_teams"}
    if priority:
        filters["priority"] = sorted(set(priority))
    with pytest.MonkeyPatch.context() as patch:  # the old path: the index drives
        patch.setattr(queues, "DRIVEN", False)
        patch.setattr(search_walk, "_small_set", lambda qs, below: None)
        by_index = _pages(actor, word, limit, filters)
    with pytest.MonkeyPatch.context() as patch:  # the new: the scope's index drives
        patch.setattr(search_walk, "TURN_AT", -1)  # turn round after any first batch
        patch.setattr(search_walk, "NEWEST_BATCH", batch)  # several batches, or one
        driven = _pages(actor, word, limit, filters)
    assert driven == by_index
    assert [n for numbers, _ in driven for n in numbers] == _expected(actor, word, filters)


@pytest.mark.parametrize("requester", [False, True])
def test_the_driven_walk_reads_the_scope_and_asks_the_index(scoped, monkeypatch, requester):
    """The first batch of the index's matches narrowed, then per batch: the scope's ids from
    its index (the watchers' table for a requester), the search index asked which match."""
    agent, caller, word = scoped
    actor = caller if requester else agent
    queue = "all" if requester else "my_teams"
    monkeypatch.setattr(search_walk, "TURN_AT", -1)
    expected = _expected(actor, word, {"queue": queue})
    # the index's newest matches, a page and one more, keep fewer than that: the walk turns
    limit = len(expected) - 1
    assert limit > 1
    with CaptureQueriesContext(connection) as ran:
        page = incident_list(actor, q=word, queue=queue, limit=limit)
    assert [i.number for i in page.items] == expected[:limit]
    scope = [c["sql"] for c in ran if "UNION ALL" in c["sql"]]
    assert scope  # the scope's ids, newest first, a batch at a time
    assert all(("incidents_incident_watchers" in sql) == requester for sql in scope)
    asked = ("rowid >=", "rowid IN", "ANY(")
    probed = [
        c["sql"] for c in ran if search.TABLE in c["sql"] and any(a in c["sql"] for a in asked)
    ]
    assert len(probed) == len(scope)  # the search index asked once a batch
