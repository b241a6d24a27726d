"""An agent in several teams: the "my teams" queue is read team by team from the queue index
(each team's next page, then merged) and pages exactly as one sort of all their open work."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.actor import Actor
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_list
from tests.factories import TeamFactory, agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agent_user, requester_user):
    teams = [TeamFactory(members=[agent_user]) for _ in range(3)]
    other = TeamFactory()
    rng = random.Random(5)
    statuses = ["new", "assigned", "in_progress", "on_hold", "resolved", "closed"]
    Incident.objects.bulk_create(
        Incident(
            number=f"INC{9_000_000 + n:07d}",
            title=f"queue {n}",
            caller=requester_user,
            team=rng.choice([*teams, other]),
            status=rng.choice(statuses),
            priority=rng.randint(1, 5),
            opened_at=f"2026-11-{rng.randint(1, 3):02d}T09:00:00Z",  # many ties
        )
        for n in range(200)
    )
    return agent_user, teams, other


def expected(teams) -> list[str]:
    rows = Incident.objects.filter(team__in=teams, is_open=1)
    return list(rows.order_by("priority", "opened_at", "id").values_list("number", flat=True))


@pytest.mark.parametrize("flavour", [{}, {"rows": True}, {"shown": True}])
@pytest.mark.parametrize("limit", [1, 7, 50])
def test_every_page_is_the_one_sort_of_all_their_open_work(world, flavour, limit):
    user, teams, _ = world
    actor = Actor(user=user, channel="api")
    seen, cursor = [], None
    while True:
        page = incident_list(actor, queue="my_teams", cursor=cursor, limit=limit, **flavour)
        seen += [row["number"] if isinstance(row, dict) else row.number for row in page.items]
        if page.next is None:
            break
        cursor = page.next

    assert seen == expected(teams)
    assert len(seen) > limit


def test_filters_still_apply_to_each_team(world):
    user, teams, _ = world
    actor = Actor(user=user, channel="api")

    page = incident_list(actor, queue="my_teams", priority=[1, 2], status=["on_hold"])

    want = [
        n
        for n, p, s in Incident.objects.filter(team__in=teams, is_open=1)
        .order_by("priority", "opened_at", "id")
        .values_list("number", "priority", "status")
        if p in (1, 2) and s == "on_hold"
    ]
    assert [i.number for i in page.items] == want


def test_each_team_is_read_from_its_queue_index_with_no_more_statements(world):
    user, teams, _ = world
    actor = Actor(user=user, channel="api")
    one_team = agent()
    teams[0].members.add(one_team)

    with CaptureQueriesContext(connection) as several:
        incident_list(actor, queue="my_teams", rows=True)
    with CaptureQueriesContext(connection) as single:
        incident_list(Actor(user=one_team, channel="api"), queue="my_teams", rows=True)

    assert len(several) == len(single)
    if connection.vendor != "sqlite":
        return  # PostgreSQL keeps the IN list (decision 0021)
    page_sql = next(q["sql"] for q in several.captured_queries if "UNION ALL" in q["sql"])
    assert page_sql.count("LIMIT 51") == len(teams) + 1  # and the page of their union


def test_a_bad_limit_is_still_named(world):
    from steward.core.errors import ValidationFailed

    user, _, _ = world
    with pytest.raises(ValidationFailed) as caught:
        incident_list(Actor(user=user, channel="api"), queue="my_teams", limit=0)
    assert "limit" in caught.value.fields
