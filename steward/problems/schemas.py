"""API shapes for problems and known errors."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine
from steward.core import schemas as core_schemas
from steward.core.schemas import CommentOut

__all__ = [
    "CommentIn",
    "CommentOut",
    "LinkIn",
    "LinkedIncidentOut",
    "ProblemCommentIn",
    "ProblemCreateIn",
    "ProblemOut",
    "ProblemPatchIn",
]


class ProblemOut(Schema):
    number: str
    title: str
    description: str
    status: str
    organisation: str | None = Field(None, alias="organisation.slug")
    category: str | None = Field(None, alias="category.slug")
    affected_service: str | None = Field(None, alias="affected_service.number")
    configuration_item: str | None = Field(None, alias="configuration_item.number")
    impact: int
    urgency: int
    priority: int
    team: str | None = Field(None, alias="team.slug")
    assignee: str | None = Field(None, alias="assignee.username")
    root_cause: str
    workaround: str
    resolution_notes: str
    known_error_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ProblemCreateIn(In):
    title: SingleLine | None = Field(None, max_length=200, description="defaults to the incident's")
    from_incident: str | None = Field(
        None, description="an incident number: prefill from it and link it"
    )
    description: str = Field("", max_length=100_000)
    category: str | None = None
    organisation: str | None = None
    impact: int = Field(3, ge=1, le=3)
    urgency: int = Field(3, ge=1, le=3)
    affected_service: str | None = Field(None, description="CI number of the service")
    configuration_item: str | None = Field(None, description="CI number")
    team: str | None = None
    assignee: str | None = None
    root_cause: str = Field("", max_length=20_000)
    workaround: str = Field("", max_length=20_000)


class ProblemPatchIn(In):
    version: int | None = None
    title: SingleLine | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=100_000)
    category: str | None = None
    organisation: str | None = None
    impact: int | None = Field(None, ge=1, le=3)
    urgency: int | None = Field(None, ge=1, le=3)
    affected_service: str | None = None
    configuration_item: str | None = None
    team: str | None = None
    assignee: str | None = None
    root_cause: str | None = Field(None, max_length=20_000)
    workaround: str | None = Field(None, max_length=20_000)
    resolution_notes: str | None = Field(None, max_length=20_000)
    status: str | None = None
    notify_callers: bool | None = Field(
        None, description="with status resolved or closed: mail the linked incidents' callers"
    )


class LinkIn(In):
    incident: str = Field(..., max_length=16, description="incident number")


class LinkedIncidentOut(Schema):
    number: str
    title: str
    status: str
    priority: int
    caller: str = Field(..., alias="caller.username")
    opened_at: dt.datetime


# Notes on problems are for IT: internal unless said otherwise (decision 0009). Its own name,
# so the OpenAPI document does not show core's ``CommentIn`` (internal false) in its place.
class ProblemCommentIn(core_schemas.CommentIn):
    """A note to add: Markdown body; internal by default."""

    internal: bool = True


CommentIn = ProblemCommentIn  # the name decision 0009 (and tests/core) know it by
