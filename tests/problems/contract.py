"""The problems API in the contract registry: how to make a problem an owner may see, and
how each list filter selects one problem and not another. ``tests/contract/registry.py``
imports ``PROBLEMS`` into ``RESOURCES``; the contract tests run it from there.
"""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.models import User
from steward.problems.models import Problem
from steward.problems.services import problem_create
from tests import factories
from tests.contract.registry import ORG_SCOPED, Resource, _org_of, _set, make_ci, new_tag


def make_problem(owner: User | None, tag: str) -> Problem:
    """A problem of the owner's organisation (of none for an unrestricted owner)."""
    org = _org_of(owner) if owner is not None else None
    return problem_create(
        Actor.system("contract"),
        title=f"Problem {tag}",
        description=f"Described {tag}",
        organisation=org.slug if org else None,
    )


def _problem_of_team(match: Problem, other: Problem) -> str:
    team = factories.TeamFactory(name=f"Problem team {new_tag()}")
    _set(match, team=team)
    return team.slug


def _problem_assigned(match: Problem, other: Problem) -> str:
    assignee = factories.agent(username=f"prb-assignee-{new_tag()}")
    _set(match, assignee=assignee)
    return assignee.username


def _problem_critical(match: Problem, other: Problem) -> str:
    _set(match, priority=1)
    _set(other, priority=5)
    return "1"


def _problem_other_cancelled(match: Problem, other: Problem) -> str:
    _set(other, status="cancelled")
    return "new"


def _problem_known_error(match: Problem, other: Problem) -> str:
    _set(match, status="known_error")
    return "true"


def _problem_in_known_error_queue(match: Problem, other: Problem) -> str:
    _set(match, status="known_error")
    return "known_errors"


def _problem_on_ci(match: Problem, other: Problem) -> str:
    ci = make_ci(None, new_tag())
    _set(match, configuration_item=ci)
    return ci.number


def _problem_of_service(match: Problem, other: Problem) -> str:
    ci = make_ci(None, new_tag())
    _set(match, affected_service=ci)
    return ci.number


PROBLEMS = Resource(
    name="problems",
    collection="/api/v1/problems",
    model=Problem,
    key="number",
    make=make_problem,
    visible=ORG_SCOPED,  # IT's records: requesters see none
    list_query_ceiling=8,
    writer="agent",
    create_payload=lambda tag: {
        "title": f"Recurring VPN drops {tag}",
        "description": "Many callers, same symptom.",
        "impact": 2,
        "urgency": 2,
    },
    patch_payload=lambda tag: {"title": f"Patched {tag}", "description": f"More {tag}"},
    illegal_patch=("agent", {"status": "closed"}),
    absent_key="PRB9999999",
    filters={
        "q": lambda match, other: match.title.split()[-1],
        "queue": _problem_in_known_error_queue,
        "status": _problem_other_cancelled,
        "team": _problem_of_team,
        "assignee": _problem_assigned,
        "priority": _problem_critical,
        "ci": _problem_on_ci,
        "service": _problem_of_service,
        "known_error": _problem_known_error,
    },
)
