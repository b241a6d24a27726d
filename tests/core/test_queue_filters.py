"""The filters every work queue shares: status, team, assignee ("me" is the actor),
priority, and the teams an agent belongs to."""

import pytest

from steward.core.actor import Actor
from steward.core.selectors.queues import filter_work, my_team_ids
from steward.problems.models import Problem
from steward.problems.services import problem_create
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    system = Actor.system("tests")
    me = factories.agent(username="me-agent")
    other = factories.agent(username="other-agent")
    team = factories.TeamFactory(name="Network")
    team.members.add(me)
    mine = problem_create(system, title="Mine", assignee=me.username, team=team.slug)
    theirs = problem_create(system, title="Theirs", assignee=other.username, impact=1, urgency=1)
    return {"me": as_actor(me), "team": team, "mine": mine, "theirs": theirs}


def numbers(qs) -> set[str]:
    return set(qs.values_list("number", flat=True))


def test_empty_filters_keep_every_row(rows):
    assert numbers(filter_work(rows["me"], Problem.objects.all())) == {
        rows["mine"].number,
        rows["theirs"].number,
    }


def test_assignee_me_means_the_actor_and_a_username_means_that_user(rows):
    qs = Problem.objects.all()
    assert numbers(filter_work(rows["me"], qs, assignee="me")) == {rows["mine"].number}
    assert numbers(filter_work(rows["me"], qs, assignee="other-agent")) == {rows["theirs"].number}


def test_team_status_and_priority_narrow_the_queue(rows):
    qs = Problem.objects.all()
    assert numbers(filter_work(rows["me"], qs, team=rows["team"].slug)) == {rows["mine"].number}
    assert numbers(filter_work(rows["me"], qs, priority=[rows["theirs"].priority])) == {
        rows["theirs"].number
    }
    assert numbers(filter_work(rows["me"], qs, status=["closed"])) == set()


def test_my_team_ids_are_the_teams_the_actor_belongs_to(rows):
    assert my_team_ids(rows["me"]) == [rows["team"].pk]
    assert my_team_ids(Actor.system("tests")) == []
