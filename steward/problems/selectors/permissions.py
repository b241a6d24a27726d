"""What an actor may do with a problem: the page's buttons and forms come from here, the
services enforce the same rules (agents work problems; a closed or cancelled one is final)."""

from __future__ import annotations

from dataclasses import dataclass

from steward.core.actor import Actor
from steward.core.workflow import Move
from steward.problems.choices import TERMINAL_STATES, Status
from steward.problems.models import Problem
from steward.problems.selectors.records import problem_allowed_transitions
from steward.problems.workflow import PROBLEM_FLOW

# the moves that finish a stage of the work, offered as the main button
PRIMARY_MOVES = (Status.KNOWN_ERROR, Status.RESOLVED)


@dataclass(frozen=True)
class ProblemCapabilities:
    """What the problem page offers the actor."""

    can_edit: bool
    can_link: bool
    can_unlink: bool
    can_comment: bool
    can_publish_known_error: bool
    moves: tuple[Move, ...]


def problem_moves(actor: Actor, problem: Problem) -> tuple[Move, ...]:
    """The status moves the actor may make, labelled as the workflow names them."""
    return PROBLEM_FLOW.moves(
        problem.status, problem_allowed_transitions(actor, problem), primary=PRIMARY_MOVES
    )


def problem_capabilities(actor: Actor, problem: Problem) -> ProblemCapabilities:
    """Agents edit, link and move a problem until it is closed or cancelled, and unlink
    incidents and add notes at any time; nobody else does anything."""
    agent = actor.is_agent
    open_ = agent and problem.status not in TERMINAL_STATES
    moves = problem_moves(actor, problem)
    return ProblemCapabilities(
        can_edit=open_,
        can_link=open_,
        can_unlink=agent,
        can_comment=agent,
        can_publish_known_error=any(m.target == Status.KNOWN_ERROR for m in moves),
        moves=moves,
    )
