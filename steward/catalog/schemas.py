"""API shapes of the catalogue: services, items, requests with their approvals, tasks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine
from steward.core.errors import ValidationFailed
from steward.core.schemas import ClockOut, CommentIn, CommentOut

__all__ = [
    "ApprovalOut",
    "CommentIn",
    "CommentOut",
    "DecisionIn",
    "ItemCreateIn",
    "ItemOut",
    "ItemPatchIn",
    "RequestCreateIn",
    "RequestOut",
    "ServiceCreateIn",
    "ServiceOut",
    "ServicePatchIn",
    "TaskOut",
    "TaskPatchIn",
]

FORM_DOC = (
    "fields: {key, label, type (text, number, date, choice, user, ci, attachment), required, "
    "help, choices, min, max, show_if: {field, equals}}; an attachment answer is a list of "
    "ids of files you uploaded to your profile (POST /api/v1/attachments, target=user/<you>)"
)
STAGES_DOC = (
    "stages in order: {name, approvers (manager, service_owner, team, users), team, users, "
    "quorum (any, all or a number)}"
)
TASKS_DOC = "fulfilment tasks: {title, team (slug), sla_policy (slug, optional)}"


class ServiceOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    stage: str
    owner: str | None = Field(None, alias="owner.username")
    support_team: str | None = Field(None, alias="support_team.slug")
    sla_policy: str | None = Field(None, alias="sla_policy.slug")
    configuration_item: str | None = Field(None, alias="configuration_item.number")
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ServiceCreateIn(In):
    name: SingleLine = Field(..., max_length=120)
    slug: str = Field("", max_length=60)
    kind: str = "business"
    description: str = Field("", max_length=20_000)
    stage: str = "pipeline"
    owner: str | None = Field(None, description="username")
    support_team: str | None = Field(None, description="team slug")
    sla_policy: str | None = Field(None, description="SLA policy slug")
    configuration_item: str | None = Field(
        None, description="number of the CI representing it (incidents' affected service)"
    )


class ServicePatchIn(In):
    not_null = frozenset({"name", "kind", "description", "stage"})
    version: int | None = None
    name: SingleLine | None = Field(None, max_length=120)
    kind: str | None = None
    description: str | None = Field(None, max_length=20_000)
    stage: str | None = None
    owner: str | None = None
    support_team: str | None = None
    sla_policy: str | None = None
    configuration_item: str | None = None


class ItemOut(Schema):
    slug: str
    name: str
    category: str
    description: str
    service: str | None = Field(None, alias="service.slug")
    audience: str
    audience_roles: list[str]
    form: list[dict[str, Any]]
    approval_stages: list[dict[str, Any]]
    task_mode: str
    task_templates: list[dict[str, Any]]
    sla_policy: str | None = Field(None, alias="sla_policy.slug")
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ItemCreateIn(In):
    name: SingleLine = Field(..., max_length=120)
    slug: str = Field("", max_length=60)
    category: SingleLine = Field("", max_length=60)
    description: str = Field("", max_length=20_000)
    service: str | None = Field(None, description="service slug")
    audience: str = Field("everyone", description="everyone, organisations or roles")
    audience_organisations: list[str] = Field([], description="organisation slugs")
    audience_roles: list[str] = Field([], description="role names")
    form: list[dict[str, Any]] = Field([], description=FORM_DOC)
    approval_stages: list[dict[str, Any]] = Field([], description=STAGES_DOC)
    task_mode: str = Field("ordered", description="ordered or parallel")
    task_templates: list[dict[str, Any]] = Field([], description=TASKS_DOC)
    sla_policy: str | None = None
    is_active: bool = True


class ItemPatchIn(In):
    not_null = frozenset({"name", "category", "description", "audience", "task_mode"})
    version: int | None = None
    name: SingleLine | None = Field(None, max_length=120)
    category: SingleLine | None = Field(None, max_length=60)
    description: str | None = Field(None, max_length=20_000)
    service: str | None = None
    audience: str | None = None
    audience_organisations: list[str] | None = None
    audience_roles: list[str] | None = None
    form: list[dict[str, Any]] | None = Field(None, description=FORM_DOC)
    approval_stages: list[dict[str, Any]] | None = Field(None, description=STAGES_DOC)
    task_mode: str | None = None
    task_templates: list[dict[str, Any]] | None = Field(None, description=TASKS_DOC)
    sla_policy: str | None = None
    is_active: bool | None = None


class ApprovalOut(Schema):
    id: int
    stage: int
    approver: str = Field(..., alias="approver.username")
    decision: str
    comment: str
    decided_at: dt.datetime | None


class TaskBriefOut(Schema):
    number: str
    title: str
    team: str = Field(..., alias="team.slug")
    status: str


class RequestOut(Schema):
    number: str
    title: str
    item: str = Field(..., alias="item.slug")
    requester: str = Field(..., alias="requester.username")
    organisation: str | None = Field(None, alias="organisation.slug")
    status: str
    stage: int
    answers: dict[str, Any]
    approvals: list[ApprovalOut]
    tasks: list[TaskBriefOut]
    sla: list[ClockOut] = Field(
        default_factory=list, alias="sla_clocks", description="the item's SLA policy's clocks"
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_approvals(obj) -> list:  # noqa: ANN001 - a Request
        return sorted(obj.approvals.all(), key=lambda a: (a.stage, a.pk))

    @staticmethod
    def resolve_tasks(obj) -> list:  # noqa: ANN001 - a Request
        return sorted(obj.tasks.all(), key=lambda t: (t.position, t.pk))


class RequestCreateIn(In):
    item: str = Field(..., max_length=60, description="catalogue item slug")
    answers: dict[str, Any] = Field({}, description="field key → answer")
    requester: str | None = Field(None, description="agents: order on behalf of this username")


FILE_PART = "answers."
MULTIPART_DOC = (
    "The order as multipart/form-data, files included: ``item`` and ``requester`` as above, "
    "``answers`` the answers as a JSON object (text), and each attachment question's files "
    "as parts named ``answers.<key>`` (repeat the part for several files). The files go "
    "through the attachment limits (size, count, sniffed type); a refused file refuses the "
    "order, naming ``answers.<key>``."
)


def request_order_form_schema() -> dict[str, Any]:
    """The multipart body's document: the JSON body's fields as text, plus file parts."""
    return {
        "title": "RequestCreateForm",
        "description": MULTIPART_DOC,
        "type": "object",
        "required": ["item"],
        "properties": {
            "item": {"type": "string", "maxLength": 60, "description": "catalogue item slug"},
            "answers": {
                "type": "string",
                "description": "field key → answer, as a JSON object",
                "default": "{}",
            },
            "requester": {
                "type": "string",
                "description": "agents: order on behalf of this username",
            },
        },
        "additionalProperties": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": "``answers.<key>``: the files answering attachment question <key>",
        },
    }


def request_order_from_form(post: Any, files: Any) -> dict[str, Any]:
    """The multipart order as ``RequestCreateIn``'s fields, each ``answers.<key>`` file part
    joined to the answer of question <key> (after any ids the JSON answers gave for it).
    A part the form does not know, or ``answers`` that is not a JSON object, is a 422 naming
    it; the answers themselves are checked by the ordering service, as for JSON."""
    errors: dict[str, list[str]] = {}
    for name in sorted(set(post) - {"item", "answers", "requester"}):
        errors[name] = ["unknown field"]
    for name in post:
        if len(post.getlist(name)) > 1:
            errors.setdefault(name, []).append("given more than once")
    answers: Any = {}
    raw = post.get("answers", "")
    if raw.strip():
        try:
            answers = json.loads(raw)
        except ValueError:
            errors["answers"] = ["not valid JSON: a JSON object of field key → answer"]
        else:
            if not isinstance(answers, dict):
                errors["answers"] = ["a JSON object of field key → answer"]
    for name in sorted(files):
        key = name.removeprefix(FILE_PART)
        if not name.startswith(FILE_PART) or not key:
            errors[name] = ["unknown file part: name files answers.<question key>"]
        elif isinstance(answers, dict):
            given = answers.get(key)
            before = [] if given in (None, "") else given if isinstance(given, list) else [given]
            answers[key] = [*before, *files.getlist(name)]
    if errors:
        raise ValidationFailed(errors)
    data: dict[str, Any] = {"item": post.get("item", ""), "answers": answers}
    if post.get("requester"):
        data["requester"] = post["requester"]
    return data


class CancelIn(In):
    reason: str = Field("", max_length=500)


class DecisionIn(In):
    decision: str = Field(..., description="approved or rejected")
    comment: str = Field("", max_length=4000)


class TaskOut(Schema):
    number: str
    title: str
    request: str = Field(..., alias="request.number")
    position: int
    team: str = Field(..., alias="team.slug")
    assignee: str | None = Field(None, alias="assignee.username")
    status: str
    notes: str
    sla: list[ClockOut] = Field(
        default_factory=list, alias="sla_clocks", description="the task template's SLA clocks"
    )
    request_sla: list[ClockOut] = Field(default_factory=list, alias="request.sla_clocks")
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    version: int


class TaskPatchIn(In):
    not_null = frozenset({"status", "notes"})
    version: int | None = None
    status: str | None = Field(None, description="in_progress (take it) or done (complete it)")
    notes: str | None = Field(None, max_length=20_000, description="with done")
