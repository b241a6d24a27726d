"""The batched create (``incidents_open_many``, decision 0024) assigns as the single create
does: for the same team state and the same sequence of new incidents, round-robin and
least-loaded pick the same agents in the same order, and leave the rule pointing at the
same last agent, whether the incidents are opened one by one (``incident_create``, whose
``_pick_agent`` asks ``pick_agents`` for one) or in one batch (``pick_agents`` for all)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.services import team_create
from steward.incidents.choices import IncidentChannel, Status
from steward.incidents.models import Incident, TeamAssignment
from steward.incidents.services import incident_create
from steward.incidents.services.batched import incidents_open_many
from tests import factories

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
COUNT = 9  # more than the members, so each rule wraps round or rebalances


@pytest.fixture
def team(admin_actor):
    """Five agents, one of them deactivated, with open work 2, 0, 1, 3 (and the inactive
    one 0); closed incidents do not count as load."""
    agents = [factories.agent(username=f"a{n}") for n in range(5)]
    team = team_create(admin_actor, name="Desk", slug="desk", members=[a.username for a in agents])
    caller = factories.requester(username="old-caller")
    for agent, load in zip(agents, (2, 0, 1, 3, 0), strict=True):
        for _ in range(load):
            Incident.objects.create(
                number=f"OLD{agent.pk}{_}", title="old", caller=caller, team=team,
                assignee=agent, status=Status.ASSIGNED, opened_at=timezone.now(),
            )  # fmt: skip
        Incident.objects.create(
            number=f"DONE{agent.pk}", title="done", caller=caller, team=team,
            assignee=agent, status=Status.CLOSED, opened_at=timezone.now(),
        )  # fmt: skip
    agents[4].is_active = False
    agents[4].save(update_fields=["is_active"])
    return team, agents


def _one_by_one(team, callers) -> list[str | None]:
    picked = []
    for n, caller in enumerate(callers):
        incident = incident_create(
            SYSTEM, title=f"one {n}", caller=caller.username, team=team.slug,
            channel=IncidentChannel.EMAIL,
        )  # fmt: skip
        picked.append(incident.assignee.username if incident.assignee else None)
    return picked


def _in_a_batch(team, callers) -> list[str | None]:
    rows = [{"title": f"batch {n}", "description": "", "caller": c} for n, c in enumerate(callers)]
    with transaction.atomic():
        opened = incidents_open_many(
            SYSTEM, rows, team=team, category=None, channel=IncidentChannel.EMAIL
        )
    return [i.assignee.username if i.assignee else None for i in opened]


def _run(path, team, callers) -> tuple[list[str | None], str | None]:
    """The picks and the rule's last agent afterwards; everything rolled back, so both
    paths start from the same state."""
    with transaction.atomic():
        picked = path(team, callers)
        rule = TeamAssignment.objects.filter(team=team).first()
        last = rule.last_assigned if rule else None
        transaction.set_rollback(True)
    return picked, last.username if last else None


@pytest.mark.parametrize("mode", ["round_robin", "least_loaded"])
@pytest.mark.parametrize("last", [None, "a1", "a3", "a4", "outsider"])
def test_batched_assignment_equals_the_single_path(team, mode, last):
    team, agents = team
    by_name = {a.username: a for a in agents} | {"outsider": factories.agent(username="outsider")}
    TeamAssignment.objects.create(team=team, mode=mode, last_assigned=by_name.get(last))
    callers = [factories.requester(username=f"c{n}") for n in range(COUNT)]

    single = _run(_one_by_one, team, callers)
    batched = _run(_in_a_batch, team, callers)

    assert batched == single
    picks = single[0]
    assert len(picks) == COUNT
    assert "a4" not in picks  # the deactivated member is never picked
    if mode == "round_robin":
        # every active member in turn, from the one after the last (the first when the
        # last is none, not a member, or no longer active)
        active = ["a0", "a1", "a2", "a3"]
        start = active.index(last) + 1 if last in active else 0
        assert picks == [active[(start + n) % 4] for n in range(COUNT)]
    else:
        # loads 2, 0, 1, 3: a1 twice, then a1/a2 in turn, then a0 joins; a3 last
        assert picks == ["a1", "a1", "a2", "a0", "a1", "a2", "a0", "a1", "a2"]
    assert single[1] == picks[-1]


def test_a_team_without_a_rule_assigns_nobody_either_way(team):
    team, _ = team
    callers = [factories.requester(username=f"c{n}") for n in range(3)]
    assert _run(_one_by_one, team, callers)[0] == [None] * 3
    assert _run(_in_a_batch, team, callers)[0] == [None] * 3
