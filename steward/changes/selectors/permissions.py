"""What the actor can do with a change, for the pages to show the buttons and links that
would work. These mirror the checks the services make (the services still decide: a page
drawn a moment ago may be stale) and read only what the pages already loaded."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from steward.changes.choices import (
    DECIDABLE_STATES,
    REVIEWABLE_STATES,
    TERMINAL_STATES,
    ApprovalState,
    Status,
)
from steward.changes.models import Change, ChangeApproval
from steward.changes.selectors.records import delegators_of
from steward.changes.workflow import CHANGE_FLOW, RECORD_GUARDS
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.workflow import Transition


def can_configure(actor: Actor) -> bool:
    """Keep freeze windows (and the other change configuration): change managers and
    administrators."""
    return actor.is_admin or (actor.user is not None and actor.user.has_role(Role.CHANGE_MANAGER))


def can_edit(actor: Actor, change: Change) -> bool:
    """Edit the change's fields: agents, until the change is closed or cancelled."""
    return actor.is_agent and change.status not in TERMINAL_STATES


def can_review(actor: Actor, change: Change) -> bool:
    """Record (or revise) the post-implementation review: agents, once the change is in
    review or has failed."""
    return actor.is_agent and change.status in REVIEWABLE_STATES


def can_go_decide(actor: Actor, change: Change) -> bool:
    """Offer the way to the CAB agenda from the change: an agent, while the change waits in
    authorisation for approvals still pending."""
    return (
        actor.is_agent
        and change.status == Status.AUTHORIZATION
        and change.approval_state == ApprovalState.PENDING
    )


def stand_in_for(actor: Actor) -> set[int]:
    """Ids of the users whose approvals the actor may decide today as their delegate."""
    if actor.user is None:
        return set()
    return delegators_of(actor.user.pk, timezone.localdate())


def can_decide(
    actor: Actor,
    approval: ChangeApproval,
    *,
    change: Change | None = None,
    delegators: set[int] | None = None,
) -> bool:
    """Approve or reject ``approval``: it is pending, its change is in a state where
    approvals are decided, and the actor (or someone they stand in for today) is one of its
    approvers who has not decided yet and is not barred from approving their own change.
    Pass ``delegators`` (``stand_in_for``) when asking for many approvals at once."""
    if actor.user is None or approval.state != ApprovalState.PENDING:
        return False
    change = change or approval.change
    if change.status not in DECIDABLE_STATES:
        return False
    own = {change.requester_id, change.assignee_id}
    if approval.forbid_self_approval and actor.user.pk in own:
        return False
    delegators = stand_in_for(actor) if delegators is None else delegators
    approvers = {u.pk for u in approval.approvers.all()}
    decided = {d.approver_id for d in approval.decisions.all()}
    open_for = ({actor.user.pk} | delegators) & (approvers - decided)
    if approval.forbid_self_approval:
        open_for -= own
    return bool(open_for)


def offered_moves(actor: Actor, change: Change) -> list[Transition]:
    """The status moves a page offers: agents only, the workflow's moves from the change's
    state whose guards on the change itself pass (a move whose guard reads the values it
    submits is offered, and the service answers)."""
    if not actor.is_agent:
        return []
    moves = []
    for target in CHANGE_FLOW.allowed(change.status):
        move = CHANGE_FLOW.transition(change.status, target)
        if move.guard in RECORD_GUARDS and move.guard(change, {}):
            continue
        moves.append(move)
    return moves


@dataclass(frozen=True)
class ChangeCapabilities:
    """What the change page offers the actor; the services still decide."""

    can_edit: bool
    can_review: bool
    can_comment: bool
    can_write_notes: bool
    can_see_conflicts: bool
    can_go_decide: bool
    moves: list[Transition] = field(default_factory=list)

    @property
    def can_schedule(self) -> bool:
        return any(m.target == Status.SCHEDULED for m in self.moves)

    @property
    def can_implement(self) -> bool:
        return any(m.target == Status.IMPLEMENTATION for m in self.moves)


def change_capabilities(actor: Actor, change: Change) -> ChangeCapabilities:
    """The buttons and forms of the change page for ``actor``."""
    return ChangeCapabilities(
        can_edit=can_edit(actor, change),
        can_review=can_review(actor, change),
        can_comment=actor.user is not None,
        can_write_notes=actor.is_agent,
        can_see_conflicts=actor.is_agent,
        can_go_decide=can_go_decide(actor, change),
        moves=offered_moves(actor, change),
    )
