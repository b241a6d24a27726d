"""Ordering a catalogue item, and the request's way through approvals to fulfilment.

``request_order`` checks everything before it writes anything: the item is one the actor may
order, the answers fit the form, and every approval stage has enough approvers. Then it
writes the request with its plan (the stages with their approvers, the task templates), opens
the first stage, or goes straight to fulfilment when the item needs no approval.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.catalog import selectors
from steward.catalog.choices import (
    REQUEST_CLOSED,
    ApproverKind,
    Decision,
    RequestStatus,
    TaskMode,
    TaskStatus,
)
from steward.catalog.models import Approval, CatalogItem, Request, Task
from steward.catalog.services import clocks, request_files, validation
from steward.catalog.workflow import REQUEST_FLOW
from steward.cmdb import selectors as cmdb_selectors
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Comment, Team, User
from steward.core.numbering import next_number, next_numbers
from steward.core.services import comment_add
from steward.core.services.common import bump_version

AUDITED = ("number", "item", "requester", "status", "stage", "closed_at")


def _person_checker(actor: Actor, requester: User):  # noqa: ANN202 - a predicate
    """A "person" answer names an active user of the requester's organisation (anyone for
    a requester of no organisation): a requester cannot probe other customers' staff.
    The query is built only when a form asks for a person (most do not)."""

    def ok(username: str) -> bool:
        people = selectors.person_answerable(actor, requester)  # the picker's rule too
        return people.filter(username=username).exists()

    return ok


def _ci_checker(actor: Actor):  # noqa: ANN202 - a predicate
    """A CI answer names a CI the actor may name (their organisation's or IT's own); built
    only when a form asks for a CI."""
    return lambda number: cmdb_selectors.ci_nameable(actor).filter(number=number).exists()


def _approvers(
    stage: dict, *, item: CatalogItem, requester: User, named: list[User] | None
) -> list[User]:
    """The stage's approvers, by id; each carries its username (the response shows it).
    ``named``: a ``users`` stage's people, as the item's cache resolved them."""
    kind = stage["approvers"]
    if kind == ApproverKind.MANAGER:
        manager = requester.manager
        return [manager] if manager is not None and manager.is_active else []
    if kind == ApproverKind.SERVICE_OWNER:
        owner = item.service.owner if item.service else None
        return [owner] if owner is not None and owner.is_active else []
    if kind == ApproverKind.TEAM:
        team = Team.objects.filter(slug=stage.get("team"), is_active=True).first()
        if team is None:
            return []
        return list(team.members.filter(is_active=True).only("pk", "username").order_by("pk"))
    if named is not None:
        return list(named)
    return list(
        User.objects.filter(username__in=stage.get("users") or [], is_active=True)
        .only("pk", "username")
        .order_by("pk")
    )


def _plan(
    item: CatalogItem, requester: User, named: dict[int, list[User]] | None = None
) -> tuple[dict[str, Any], list[list[User]]]:
    """Each stage with its approvers and the votes it needs, and the tasks to create (and
    each stage's approvers as users); a stage that cannot be decided refuses the order (422
    naming the stage)."""
    stages, people = [], []
    errors: dict[str, list[str]] = {}
    for i, stage in enumerate(item.approval_stages):
        approvers = _approvers(stage, item=item, requester=requester, named=(named or {}).get(i))
        needed = validation.needed_votes(stage["quorum"], len(approvers))
        if not approvers or needed > len(approvers):
            reason = {
                ApproverKind.MANAGER: _("the requester has no manager to approve"),
                ApproverKind.SERVICE_OWNER: _("the item's service has no owner to approve"),
            }.get(stage["approvers"], _("not enough approvers for this stage"))
            errors[f"approval_stages.{i}"] = [reason]
        pks = [u.pk for u in approvers]
        stages.append({"name": stage["name"], "approvers": pks, "needed": needed})
        people.append(approvers)
    if errors:
        raise ValidationFailed(
            errors,
            message=_("This item cannot be approved for you: %(reasons)s.")
            % {"reasons": "; ".join(m for ms in errors.values() for m in ms)},
        )
    plan = {"stages": stages, "task_mode": item.task_mode, "tasks": list(item.task_templates)}
    return plan, people


def request_order(
    actor: Actor,
    *,
    item: str,
    answers: dict[str, Any] | None = None,
    requester: str | None = None,
    title: str = "",
) -> Request:
    """Order an item the actor may order, with answers that fit its form; an agent may order
    on behalf of someone (``requester``), whose manager then approves. ``title`` (one line,
    e.g. a mail's subject) names the request; the item's name otherwise.

    Checks and reads come first, outside the transaction (the item, the requester, the
    answers, the approvers, the SLA policy), so SQLite's write lock (taken at BEGIN IMMEDIATE)
    is held for the writes alone; a reference removed in between fails an insert on its
    foreign key and nothing is written. The request returned carries its approvals and tasks
    (with their approvers and teams): the response is built from it, not read back."""
    if actor.user is None and requester is None:
        raise ValidationFailed.one("requester", _("required when the system orders"))
    orderable = selectors.item_for_order(actor, slug=item)  # cached per process
    found = orderable.item
    person = actor.user
    if requester not in (None, "", getattr(person, "username", None)):
        if not actor.is_agent:
            raise PermissionDenied(
                _("Only agents order on behalf of someone else."),
                fields={"requester": [_("agents only")]},
            )
        # only a person the agent may see (an agent limited to organisations orders for
        # their people only)
        person = (
            core_selectors.user_visible(actor).filter(username=requester, is_active=True).first()
        )
        if person is None:
            raise ValidationFailed.one(
                "requester", _("no person %(requester)s") % {"requester": repr(requester)}
            )
        # the request is the person's: the item's audience is theirs too ("people outside
        # it neither see nor can order it"), whoever places the order for them
        if not selectors.may_order(Actor(user=person), found, orderable.organisations):
            raise ValidationFailed.one(
                "requester",
                _("%(requester)s is not in this item's audience") % {"requester": person.username},
            )
    clean = validation.clean_answers(
        found.form,
        answers if answers is not None else {},
        user_ok=_person_checker(actor, person),
        ci_ok=_ci_checker(actor),
    )
    plan, approvers = _plan(found, person, orderable.named_approvers)
    policy = clocks.item_policy(found)
    if policy is not None:
        plan["sla_policy"] = policy.slug
    files = request_files.has_files(found.form, clean)
    stored: list = []  # attachments written: their files go if the order rolls back
    try:
        request, approvals, tasks = _write_order(
            actor,
            found=found,
            person=person,
            clean=clean,
            plan=plan,
            approvers=approvers,
            policy=policy,
            title=title,
            files=files,
            stored=stored,
        )
    except BaseException:
        request_files.discard(stored)
        raise
    # kept on the record: the response is built from them, not read back
    # (selectors.request_created)
    request.created_votes, request.created_tasks = approvals, tasks
    return request


@transaction.atomic
def _write_order(
    actor: Actor,
    *,
    found: CatalogItem,
    person: User,
    clean: dict[str, Any],
    plan: dict[str, Any],
    approvers: list[list[User]],
    policy: Any,
    title: str,
    files: bool,
    stored: list,
) -> tuple[Request, list[Approval], list[Task]]:
    """The checked order's rows, in one transaction (``request_order`` did the reading)."""
    request = Request(
        number=next_number("REQ"),
        item=found,
        title=" ".join(title.split())[:200] or found.name,
        requester=person,
        organisation_id=person.organisation_id,
        answers=clean,
        plan=plan,
        status=RequestStatus.APPROVAL,
    )
    if files:  # the files are stored once the request has its row; their places kept
        request.answers = request_files.placeholders(found.form, clean)
    request.save()
    if files:
        request.answers = request_files.store(actor, request, found.form, clean, stored=stored)
        request.save(update_fields=["answers"])
    clocks.request_started(actor, request, policy)
    audit.record(actor, request, action=AuditAction.CREATE, after=audit.snapshot(request, AUDITED))
    # the events of the order go in one insert (request.created first)
    events: list[tuple[str, Request, dict]] = [
        ("request.created", request, {"number": request.number})
    ]
    tasks: list[Task] = []
    approvals: list[Approval] = []
    if plan["stages"]:
        approvals = open_stage(request, 0, approvers=approvers[0], events=events)
        outbox.emit_many(events)
    else:
        outbox.emit_many(events)
        tasks = start_fulfilment(actor, request)
    return request, approvals, tasks


def open_stage(
    request: Request,
    stage: int,
    *,
    approvers: list[User] | None = None,
    events: list[tuple[str, Request, dict]] | None = None,
) -> list:
    """Ask the stage's approvers for their votes (told by mail through the outbox); returns
    the votes (with their approvers when the caller passed them as users). ``events``: the
    caller writes the outbox rows together (``outbox.emit_many``), this one appended."""
    request.stage = stage
    if approvers is not None:
        votes = [Approval(request=request, stage=stage, approver=user) for user in approvers]
    else:
        votes = [
            Approval(request=request, stage=stage, approver_id=pk)
            for pk in request.plan["stages"][stage]["approvers"]
        ]
    Approval.objects.bulk_create(votes)
    event = ("request.approval_requested", request, {"number": request.number, "stage": stage})
    if events is None:
        outbox.emit(event[0], request, **event[2])
    else:
        events.append(event)
    return votes


def _move(actor: Actor, request: Request, target: str, **extra: Any) -> None:
    """A status move of the request, audited and announced."""
    REQUEST_FLOW.check(request, target=target, data={})
    before = audit.snapshot(request, AUDITED)
    request.status = target
    if target in REQUEST_CLOSED:
        request.closed_at = timezone.now()
    bump_version(request, ["status", "stage", "closed_at"])
    clocks.request_moved(actor, request, target)
    audit.record(actor, request, before=before, after=audit.snapshot(request, AUDITED))
    outbox.emit(f"request.{target}", request, number=request.number, **extra)


def start_fulfilment(actor: Actor, request: Request) -> list[Task]:
    """Create the tasks: ordered, the first opens and the others wait; parallel, all open.
    An item without tasks is done once approved. Returns the tasks created."""
    _move(actor, request, RequestStatus.FULFILMENT)
    templates = request.plan["tasks"]
    if not templates:
        _move(actor, request, RequestStatus.COMPLETED)
        return []
    teams = {t.slug: t for t in Team.objects.filter(slug__in=[t["team"] for t in templates])}
    ordered = request.plan["task_mode"] == TaskMode.ORDERED
    tasks = [
        Task(
            number=number,
            request=request,
            position=i,
            title=template["title"],
            team=teams[template["team"]],
            status=TaskStatus.WAITING if ordered and i else TaskStatus.OPEN,
        )
        for i, (number, template) in enumerate(
            zip(next_numbers("TASK", len(templates)), templates, strict=True)
        )
    ]
    Task.objects.bulk_create(tasks)
    for task in tasks:
        audit.record(
            actor,
            task,
            action=AuditAction.CREATE,
            after={
                "number": task.number,
                "request": request.number,
                "status": task.status,
                "team": task.team.slug,
            },
        )
        if task.status == TaskStatus.OPEN:
            clocks.task_opened(actor, task, templates[task.position])
            outbox.emit("task.opened", task, number=task.number, request=request.number)
    return tasks


def finish_if_done(actor: Actor, request: Request) -> None:
    """After a task closes: open the next waiting one (ordered), or close the request when
    every task is finished."""
    tasks = list(request.tasks.select_for_update().order_by("position", "id"))
    if any(t.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS) for t in tasks):
        return
    waiting = [t for t in tasks if t.status == TaskStatus.WAITING]
    if waiting:
        nxt = waiting[0]
        nxt.status = TaskStatus.OPEN
        nxt.save(update_fields=["status", "updated_at"])
        audit.record(
            actor, nxt, before={"status": TaskStatus.WAITING}, after={"status": TaskStatus.OPEN}
        )
        clocks.task_opened(actor, nxt, request.plan["tasks"][nxt.position])
        outbox.emit("task.opened", nxt, number=nxt.number, request=request.number)
        return
    _move(actor, request, RequestStatus.COMPLETED)


@transaction.atomic
def request_cancel(actor: Actor, *, number: str, reason: str = "") -> Request:
    """The requester withdraws a request still awaiting approval; waiting votes lapse."""
    request = selectors.request_for_update(actor, number=number)
    if not selectors.can_cancel_request(actor, request):
        if request.status != RequestStatus.APPROVAL:
            REQUEST_FLOW.check(request, target=RequestStatus.CANCELLED, data={})
        raise PermissionDenied(_("Only the requester cancels a request."))
    request.approvals.filter(decision=Decision.PENDING).update(decision=Decision.NOT_NEEDED)
    _move(actor, request, RequestStatus.CANCELLED, reason=reason[:500])
    return request


@transaction.atomic
def request_comment(actor: Actor, *, number: str, body: str, internal: bool = False) -> Comment:
    """A reply on a request (its requester, approvers and agents); agents add work notes."""
    request = selectors.request_for_update(actor, number=number)
    comment = comment_add(actor, target=request, body=body, internal=internal)
    outbox.emit(
        "request.commented", request, number=request.number, comment=comment.pk, internal=internal
    )
    return comment
