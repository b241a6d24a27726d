"""Fulfilment work: a member of the task's team takes it and completes it; completing the
last one closes the request, completing one of an ordered set opens the next."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.catalog import selectors
from steward.catalog.choices import TaskStatus
from steward.catalog.models import Task
from steward.catalog.services import clocks, fulfilment
from steward.catalog.services.requests import finish_if_done
from steward.catalog.workflow import TASK_FLOW
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Comment
from steward.core.services import comment_add
from steward.core.services.common import bump_version, check_version, reject_unknown

AUDITED = ("status", "assignee", "notes", "closed_at")
MAX_NOTES = 20_000


def _load(actor: Actor, number: str, expected_version: int | None) -> Task:
    task = selectors.task_for_update(actor, number=number)
    check_version(task, expected_version)
    return task


def _require_worker(actor: Actor, task: Task, target: str) -> None:
    TASK_FLOW.check(task, target=target, data={})
    if not selectors.can_work_task(actor, task):
        raise PermissionDenied(
            _("Only members of %(name)s work this task.") % {"name": task.team.name}
        )


def _save(actor: Actor, task: Task, before: dict, topic: str) -> Task:
    bump_version(task, list(AUDITED))
    audit.record(actor, task, before=before, after=audit.snapshot(task, AUDITED))
    outbox.emit(topic, task, number=task.number, request=task.request.number)
    return task


@transaction.atomic
def task_take(actor: Actor, *, number: str, expected_version: int | None = None) -> Task:
    """Take an open task (or one a colleague holds) into one's own hands."""
    task = _load(actor, number, expected_version)
    target = TaskStatus.IN_PROGRESS
    if task.status == TaskStatus.IN_PROGRESS:
        target = TaskStatus.IN_PROGRESS  # taking over from a colleague: no status move
        if not selectors.can_work_task(actor, task):
            raise PermissionDenied(
                _("Only members of %(name)s work this task.") % {"name": task.team.name}
            )
    else:
        _require_worker(actor, task, target)
    before = audit.snapshot(task, AUDITED)
    task.status = target
    task.assignee = actor.user
    clocks.task_taken(actor, task, task.request)
    return _save(actor, task, before, "task.taken")


def _fulfil(actor: Actor, task: Task) -> str:
    """The template's fulfilment action, if it names one (services/fulfilment.py)."""
    request = task.request
    templates = request.plan.get("tasks", [])
    template = templates[task.position] if task.position < len(templates) else {}
    name = template.get("action")
    if not name:
        return ""
    return fulfilment.run_action(
        actor,
        name,
        fulfilment.Fulfilment(
            request=request.number,
            task=task.number,
            requester=request.requester,
            organisation_id=request.organisation_id,
            answers=dict(request.answers),
        ),
    )


@transaction.atomic
def task_complete(
    actor: Actor, *, number: str, expected_version: int | None = None, notes: str = ""
) -> Task:
    """Mark the work done (with notes for the record); the request moves on."""
    task = _load(actor, number, expected_version)
    _require_worker(actor, task, TaskStatus.DONE)
    before = audit.snapshot(task, AUDITED)
    task.status = TaskStatus.DONE
    task.assignee = task.assignee or actor.user
    task.notes = (notes or "").strip()[:MAX_NOTES]
    task.closed_at = timezone.now()
    done = _fulfil(actor, task)
    if done:
        task.notes = f"{task.notes}\n\n{done}".strip()[:MAX_NOTES]
    clocks.task_finished(actor, task, task.request)
    _save(actor, task, before, "task.completed")
    request = selectors.request_for_update(Actor.system("catalog"), number=task.request.number)
    finish_if_done(actor, request)
    return task


@transaction.atomic
def task_comment(actor: Actor, *, number: str, body: str, internal: bool = True) -> Comment:
    """A work note on a task (agents only see tasks)."""
    task = selectors.task_for_update(actor, number=number)
    return comment_add(actor, target=task, body=body, internal=internal)


@transaction.atomic
def task_update(actor: Actor, *, number: str, expected_version: int | None, changes: dict) -> Task:
    """The API's PATCH: ``status`` ``in_progress`` takes the task, ``done`` completes it
    (with ``notes``); any other move is refused with the moves allowed."""
    reject_unknown(changes, {"status", "notes"})
    target = changes.get("status")
    if target is None:
        raise ValidationFailed.one("status", _("in_progress (take) or done (complete)"))
    if "notes" in changes and target != TaskStatus.DONE:
        raise ValidationFailed.one("notes", _("only when completing (status done)"))
    if target == TaskStatus.DONE:
        return task_complete(
            actor,
            number=number,
            expected_version=expected_version,
            notes=changes.get("notes") or "",
        )
    if target == TaskStatus.IN_PROGRESS:
        return task_take(actor, number=number, expected_version=expected_version)
    task = _load(actor, number, expected_version)
    TASK_FLOW.check(task, target=str(target), data={})  # raises IllegalTransition
    raise PermissionDenied(_("Tasks are cancelled with their request."))
