"""Reads of requests, their approvals and their fulfilment tasks, scoped to the actor.

A requester sees the requests they ordered and those waiting (or once waiting) for their
approval; agents see requests of the organisations they serve (and of none); a request the
actor may not see is ``NotFound``, like an absent one. Tasks are the fulfilment teams' work:
agents see those of requests they may see; a requester reads them on their request's page.
"""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from steward.catalog.choices import TASK_ACTIVE, Decision, RequestStatus, TaskStatus
from steward.catalog.models import Approval, Request, Task
from steward.catalog.selectors.clocks import tasks_in_sla_state, with_clocks
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import Page, paginate
from steward.core.selectors.queues import filter_work, my_team_ids
from steward.core.selectors.scoping import scope_to_organisations

REQ_NUMBER = re.compile(r"REQ\d{7}")
TASK_NUMBER = re.compile(r"TASK\d{7}")


def _own_or_approving(actor: Actor) -> Q:
    user_id = actor.user.pk if actor.user else None
    approving = Exists(Approval.objects.filter(request=OuterRef("pk"), approver_id=user_id))
    return Q(requester_id=user_id) | Q(approving)


def request_visible(actor: Actor) -> QuerySet[Request]:
    """Requesters: their own and those they approve; agents: by organisation (and their own
    and those they approve, whatever the organisation); admins and the system: all."""
    if actor.is_system:
        return Request.objects.all()
    mine = _own_or_approving(actor)
    return scope_to_organisations(actor, Request.objects.all(), requester=mine, agent_also=mine)


def request_list(
    actor: Actor,
    *,
    mine: bool | None = None,
    awaiting_me: bool | None = None,
    status: list[str] | None = None,
    item: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
    brief: bool = False,
) -> Page:
    """A page of visible requests, newest first; ``mine``: those the actor ordered;
    ``awaiting_me``: those with a vote of the actor's still waiting. ``brief``: the rows
    alone with their requester (the lists of pages), without the votes, tasks and SLA
    clocks the API's answer carries."""
    qs = request_visible(actor)
    user_id = actor.user.pk if actor.user else None
    if mine:
        qs = qs.filter(requester_id=user_id)
    if awaiting_me:
        qs = qs.filter(
            status=RequestStatus.APPROVAL,
            pk__in=Approval.objects.filter(approver_id=user_id, decision=Decision.PENDING).values(
                "request_id"
            ),
        )
    if status:
        qs = qs.filter(status__in=status)
    if item:
        qs = qs.filter(item__slug=item)
    words = q.strip()
    if words and REQ_NUMBER.fullmatch(words.upper()):
        qs = qs.filter(number=words.upper())
    elif words:
        qs = qs.filter(title__icontains=words)
    if brief:
        return paginate(
            qs.select_related("requester"), order=("-created_at", "-id"), cursor=cursor, limit=limit
        )
    qs = qs.select_related("item", "requester", "organisation").prefetch_related(
        Prefetch("approvals", queryset=Approval.objects.select_related("approver")),
        Prefetch("tasks", queryset=Task.objects.select_related("team", "assignee")),
    )
    page = paginate(qs, order=("-created_at", "-id"), cursor=cursor, limit=limit)
    with_clocks(actor, page.items)
    return page


def request_get(actor: Actor, *, number: str) -> Request:
    """One visible request by number with its item and requester."""
    found = (
        request_visible(actor)
        .select_related("item__service", "requester", "organisation")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise NotFound()
    with_clocks(actor, [found])
    return found


def request_created(actor: Actor, request: Request) -> Request:
    """The request ``request_order`` just returned, as ``request_get`` would show it, without
    reading it back: it carries its votes and tasks. A request without them (an idempotent
    retry returns the first one, fetched) is read as ``request_get`` reads it."""
    votes = getattr(request, "created_votes", None)
    tasks = getattr(request, "created_tasks", None)
    if votes is None or tasks is None:
        return request_get(actor, number=request.number)
    # as prefetch_related leaves them: the response reads .approvals.all() and .tasks.all()
    request._prefetched_objects_cache = {}
    for name, rows in (("approvals", votes), ("tasks", tasks)):
        cached = getattr(request, name).none()
        cached._result_cache, cached._prefetch_done = list(rows), True
        request._prefetched_objects_cache[name] = cached
    if request.organisation_id is not None and not Request.organisation.is_cached(request):
        request.organisation = request.requester.organisation
    # the clocks were started in the same transaction: read them back only when the plan
    # named a policy (none started otherwise, and the answer is known without a query)
    plan = request.plan or {}
    if plan.get("sla_policy"):
        with_clocks(actor, [request])
    else:
        request.sla_clocks = []
    if any(t.get("sla_policy") for t in plan.get("tasks", [])):
        with_clocks(actor, tasks)
    else:
        for task in tasks:
            task.sla_clocks = []
    return request


def request_for_update(actor: Actor, *, number: str) -> Request:
    """The request locked for a write (the system's follow-ups pass ``Actor.system``)."""
    found = (
        Request.objects.select_for_update(of=("self",))
        .filter(pk__in=request_visible(actor).filter(number=number).values("pk"))
        .select_related("item__service", "requester")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def request_approvals(request: Request) -> list[Approval]:
    """The votes of a request the actor may see, stage by stage."""
    return list(
        request.approvals.select_related("approver").order_by("stage", "approver__username")
    )


def request_tasks(request: Request, actor: Actor | None = None) -> list[Task]:
    """The fulfilment tasks of a request the actor may see, in order (with their SLA
    clocks when ``actor`` is given)."""
    tasks = list(request.tasks.select_related("team", "assignee").order_by("position", "id"))
    return with_clocks(actor, tasks) if actor is not None else tasks


def approvals_waiting(actor: Actor, *, limit: int = 100) -> list[Approval]:
    """The actor's own votes still waiting, oldest first, with their request."""
    if actor.user is None:
        return []
    return list(
        Approval.objects.filter(
            approver=actor.user,
            decision=Decision.PENDING,
            request__status=RequestStatus.APPROVAL,
        )
        .select_related("request__item", "request__requester")
        .order_by("created_at", "id")[:limit]
    )


# --- tasks ------------------------------------------------------------------------------


def task_visible(actor: Actor) -> QuerySet[Task]:
    """Agents see the tasks of requests of organisations they serve; requesters none."""
    return scope_to_organisations(actor, Task.objects.all(), field="request__organisation")


def task_list(
    actor: Actor,
    *,
    queue: str = "",
    status: list[str] | None = None,
    team: str = "",
    assignee: str = "",
    q: str = "",
    sla: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible tasks, oldest first; ``queue=my_teams``: open tasks of the actor's
    teams; ``queue=open``: every open task; ``sla=breached`` / ``due_soon``: those whose
    clocks (or their request's) are past due / past their warning point."""
    if queue not in ("", "all", "open", "my_teams", "mine"):
        raise ValidationFailed.one("queue", "one of all, open, my_teams, mine")
    qs = task_visible(actor)
    if queue == "open":
        qs = qs.filter(status__in=TASK_ACTIVE)
    elif queue == "my_teams":
        qs = qs.filter(team_id__in=my_team_ids(actor), status__in=TASK_ACTIVE)
    elif queue == "mine":
        qs = filter_work(actor, qs, assignee="me").filter(status=TaskStatus.IN_PROGRESS)
    qs = filter_work(actor, qs, status=status, team=team, assignee=assignee)
    words = q.strip()
    if words and TASK_NUMBER.fullmatch(words.upper()):
        qs = qs.filter(number=words.upper())
    elif words:
        qs = qs.filter(title__icontains=words)
    if sla:
        qs = tasks_in_sla_state(qs, sla)
    qs = qs.select_related("request__requester", "request__item", "team", "assignee")
    page = paginate(qs, order=("created_at", "id"), cursor=cursor, limit=limit)
    # the fulfiller's queue shows each task's clocks, and its request's: a breach of
    # either is in sight
    with_clocks(actor, page.items)
    with_clocks(actor, {t.request_id: t.request for t in page.items}.values())
    return page


def task_get(actor: Actor, *, number: str) -> Task:
    """One visible task by number."""
    found = (
        task_visible(actor)
        .select_related("request__requester", "request__item", "team", "assignee")
        .prefetch_related(Prefetch("team__members"))
        .filter(number=number)
        .first()
    )
    if found is None:
        raise NotFound()
    with_clocks(actor, [found])
    with_clocks(actor, [found.request])
    return found


def task_for_update(actor: Actor, *, number: str) -> Task:
    """The task locked for a write."""
    found = (
        Task.objects.select_for_update(of=("self",))
        .filter(pk__in=task_visible(actor).filter(number=number).values("pk"))
        .select_related("request", "team")
        .first()
    )
    if found is None:
        raise NotFound()
    return found
