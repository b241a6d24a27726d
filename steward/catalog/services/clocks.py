"""SLA clocks of requests and tasks, kept in step by the services that move them.

The same engine and business calendars as incidents (``steward.sla.services``); the policy
is not matched on conditions but named: a request runs on its item's policy (else its
service's), a task on its template's ``sla_policy`` when it has one. Both targets start:

- a request's *response* stops when fulfilment work is first taken up (a task taken) or
  the request closes; its *resolution* when it closes (completed, rejected, cancelled);
  while it awaits approval the clocks are paused if the policy says so
  (``pause_awaiting_approval``), and count again when fulfilment starts;
- a task's clocks start when the task opens (an ordered task waiting for its predecessor
  has none yet); *response* stops when it is taken, both when it is done or cancelled.

Called inside the caller's transaction; no policy, no clocks and no queries.
"""

from __future__ import annotations

from django.utils import timezone

from steward.catalog.choices import REQUEST_CLOSED, RequestStatus
from steward.catalog.models import CatalogItem, Request, Task
from steward.core.actor import Actor
from steward.sla import services as sla
from steward.sla.models import SlaPolicy


def item_policy(item: CatalogItem) -> SlaPolicy | None:
    """The item's active policy, else its service's (the service's is the default)."""
    candidates = [item.sla_policy_id, item.service.sla_policy_id if item.service else None]
    for pk in candidates:
        if pk is not None:
            policy = SlaPolicy.objects.select_related("calendar").filter(pk=pk).first()
            if policy is not None and policy.is_active:
                return policy
    return None


def request_started(actor: Actor, request: Request, policy: SlaPolicy | None) -> None:
    """A new request, inserted in this transaction and still awaiting approval; its plan
    names the policy (``plan["sla_policy"]``), so a later move knows without a lookup."""
    if policy is None:
        return
    now = timezone.now()
    sla.clocks_start(actor, request, context={}, at=now, new_record=True, policy=policy)
    if policy.pause_awaiting_approval and request.status == RequestStatus.APPROVAL:
        sla.clocks_pause(actor, request, at=now)


def request_moved(actor: Actor, request: Request, target: str) -> None:
    if not request.plan.get("sla_policy"):
        return
    now = timezone.now()
    if target == RequestStatus.FULFILMENT:
        sla.clocks_resume(actor, request, at=now)
    elif target in REQUEST_CLOSED:
        sla.clock_stop(actor, request, kind="response", at=now)
        sla.clock_stop(actor, request, kind="resolution", at=now)


def task_opened(actor: Actor, task: Task, template: dict) -> None:
    slug = template.get("sla_policy")
    if not slug:
        return
    policy = SlaPolicy.objects.select_related("calendar").filter(slug=slug, is_active=True).first()
    if policy is not None:
        sla.clocks_start(actor, task, context={}, at=timezone.now(), policy=policy)


def task_taken(actor: Actor, task: Task, request: Request) -> None:
    now = timezone.now()
    if _task_has_policy(task, request):
        sla.clock_stop(actor, task, kind="response", at=now)
    if request.plan.get("sla_policy"):
        sla.clock_stop(actor, request, kind="response", at=now)


def task_finished(actor: Actor, task: Task, request: Request) -> None:
    if not _task_has_policy(task, request):
        return
    now = timezone.now()
    sla.clock_stop(actor, task, kind="response", at=now)
    sla.clock_stop(actor, task, kind="resolution", at=now)


def _task_has_policy(task: Task, request: Request) -> bool:
    templates = request.plan.get("tasks", [])
    return task.position < len(templates) and bool(templates[task.position].get("sla_policy"))
