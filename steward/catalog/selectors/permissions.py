"""What an actor may do with a request, an approval or a task: pages draw their buttons from
here, and the services enforce the same rules."""

from __future__ import annotations

from dataclasses import dataclass

from steward.catalog.choices import TASK_ACTIVE, Decision, RequestStatus, TaskStatus
from steward.catalog.models import Approval, Request, Task
from steward.core.actor import Actor
from steward.core.selectors.queues import my_team_ids


def can_decide(actor: Actor, request: Request, approval: Approval) -> bool:
    """Only the approver decides their own vote, while its stage is the one under way."""
    return (
        actor.user is not None
        and approval.approver_id == actor.user.pk
        and approval.decision == Decision.PENDING
        and approval.stage == request.stage
        and request.status == RequestStatus.APPROVAL
    )


def can_work_task(actor: Actor, task: Task) -> bool:
    """Members of the task's team (and administrators) work it while it is active."""
    if task.status not in TASK_ACTIVE or not actor.is_agent:
        return False
    return actor.is_admin or task.team_id in my_team_ids(actor)


@dataclass(frozen=True)
class TaskCapabilities:
    can_take: bool
    can_complete: bool


def task_capabilities(actor: Actor, task: Task) -> TaskCapabilities:
    """Take an open task (or one someone else holds), complete an active one."""
    works = can_work_task(actor, task)
    holder = actor.user.pk if actor.user else None
    return TaskCapabilities(
        can_take=works
        and not (task.status == TaskStatus.IN_PROGRESS and task.assignee_id == holder),
        can_complete=works,
    )


def can_cancel_request(actor: Actor, request: Request) -> bool:
    """The requester (or an administrator) withdraws a request still awaiting approval."""
    if request.status != RequestStatus.APPROVAL:
        return False
    return actor.is_admin or (actor.user is not None and request.requester_id == actor.user.pk)
