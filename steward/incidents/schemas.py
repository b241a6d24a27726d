"""API shapes for incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine
from steward.core.schemas import ClockOut, CommentIn, CommentOut

__all__ = [
    "CategoryOut",
    "ClockOut",
    "CommentIn",
    "CommentOut",
    "IncidentCreateIn",
    "IncidentOut",
    "IncidentPatchIn",
]

CI = "a CI number (CI0000042); empty or null: none"
SERVICE = "the CI number of a business service; empty or null: none"
EXTERNAL_SOURCE = "the system external_id comes from (e.g. 'legacy-desk'); ignored without one"
EXTERNAL_ID = (
    "the source system's key for this incident, unique per source (agents); a create with "
    "one already used answers that incident with 200, nothing written; empty or null: none"
)


class IncidentOut(Schema):
    number: str
    title: str
    description: str
    status: str
    caller: str = Field(..., alias="caller.username")
    organisation: str | None = Field(None, alias="organisation.slug")
    category: str | None = Field(None, alias="category.slug")
    subcategory: str | None = Field(None, alias="subcategory.slug")
    channel: str
    external_source: str = Field(..., description=EXTERNAL_SOURCE)
    external_id: str | None = Field(..., description="the source system's key; null: none")
    affected_service: str = Field(..., description="CI number of the business service; empty: none")
    configuration_item: str = Field(..., description="CI number; empty: none")
    impact: int
    urgency: int
    priority: int
    priority_override_reason: str
    on_hold_reason: str
    team: str | None = Field(None, alias="team.slug")
    assignee: str | None = Field(None, alias="assignee.username")
    reassignment_count: int
    is_major: bool
    parent: str | None = Field(None, alias="parent.number")
    resolution_code: str
    resolution_notes: str
    opened_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    sla: list[ClockOut] = Field(default_factory=list, alias="sla_clocks")

    # ``obj`` is an Incident, or a row of selectors.incident_shown with the numbers in place
    @staticmethod
    def resolve_affected_service(obj: Any) -> str:
        if isinstance(obj, dict):
            return obj["affected_service"]
        return obj.affected_service.number if obj.affected_service else ""  # None: not visible

    @staticmethod
    def resolve_configuration_item(obj: Any) -> str:
        if isinstance(obj, dict):
            return obj["configuration_item"]
        return obj.configuration_item.number if obj.configuration_item else ""


class IncidentCreateIn(In):
    title: SingleLine = Field(..., max_length=200)
    description: str = Field("", max_length=100_000)
    caller: str | None = None
    category: str | None = None
    subcategory: str | None = None
    impact: int = Field(3, ge=1, le=3)
    urgency: int = Field(3, ge=1, le=3)
    channel: str | None = None
    affected_service: str = Field("", max_length=200, description=SERVICE)
    configuration_item: str = Field("", max_length=200, description=CI)
    team: str | None = None
    assignee: str | None = None
    is_major: bool = False
    parent: str | None = None
    external_source: str = Field("", max_length=40, description=EXTERNAL_SOURCE)
    external_id: str | None = Field(None, max_length=255, description=EXTERNAL_ID)


class IncidentPatchIn(In):
    version: int | None = None
    title: SingleLine | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=100_000)
    category: str | None = None
    subcategory: str | None = None
    impact: int | None = Field(None, ge=1, le=3)
    urgency: int | None = Field(None, ge=1, le=3)
    priority: int | None = Field(None, ge=1, le=5)
    priority_override_reason: str | None = Field(None, max_length=500)
    status: str | None = None
    reason: str | None = Field(
        None, max_length=2000, description="why: required when reopening (resolved to in_progress)"
    )
    on_hold_reason: str | None = None
    team: str | None = None
    assignee: str | None = None
    is_major: bool | None = None
    parent: str | None = None
    resolution_code: str | None = None
    resolution_notes: str | None = Field(None, max_length=20_000)
    affected_service: str | None = Field(None, max_length=200, description=SERVICE)
    configuration_item: str | None = Field(None, max_length=200, description=CI)


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None = Field(None, alias="parent.slug")


# --- what administrators configure (docs/administration.md) -------------------------------


class CategoryAdminOut(CategoryOut):
    """A category as its administrator sees it: where requesters' new incidents go."""

    default_team: str | None = Field(None, alias="default_team.slug")
    is_active: bool


class CategoryCreateIn(In):
    name: SingleLine = Field(..., max_length=100)
    parent: str | None = Field(None, max_length=100, description="a top-level category's slug")
    default_team: str | None = Field(None, max_length=60, description="a team's slug")
    is_active: bool | None = None


class CategoryPatchIn(In):
    name: SingleLine | None = Field(None, max_length=100)
    parent: str | None = Field(None, max_length=100, description="empty or null: top level")
    default_team: str | None = Field(None, max_length=60, description="empty or null: none")
    is_active: bool | None = None


class MatrixCellIO(Schema):
    impact: int = Field(..., ge=1, le=3, description="1 high … 3 low")
    urgency: int = Field(..., ge=1, le=3, description="1 high … 3 low")
    priority: int = Field(..., ge=1, le=5, description="1 critical … 5 planning")


class MatrixCellIn(MatrixCellIO, In):
    pass


class PriorityMatrixOut(Schema):
    cells: list[MatrixCellIO]


class PriorityMatrixPatchIn(In):
    cells: list[MatrixCellIn] = Field(..., max_length=9)


class EscalationRuleOut(Schema):
    id: int
    name: str
    threshold: str
    clock_kind: str = Field(..., description="response, resolution, or empty for both")
    priorities: list[int] = Field(..., description="empty: any priority")
    action: str
    email: str
    team: str | None = Field(None, alias="team.slug")
    is_active: bool


class EscalationRuleCreateIn(In):
    name: SingleLine = Field(..., max_length=100)
    threshold: str = Field(..., max_length=20, description="warning or breach")
    clock_kind: str = Field("", max_length=20, description="response, resolution, or empty")
    priorities: list[int] = Field(default_factory=list, max_length=5)
    action: str = Field(..., max_length=20)
    email: str = Field("", max_length=254)
    team: str | None = Field(None, max_length=60, description="a team's slug (reassign)")
    is_active: bool | None = None


class EscalationRulePatchIn(In):
    name: SingleLine | None = Field(None, max_length=100)
    threshold: str | None = Field(None, max_length=20)
    clock_kind: str | None = Field(None, max_length=20)
    priorities: list[int] | None = Field(None, max_length=5)
    action: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    team: str | None = Field(None, max_length=60)
    is_active: bool | None = None


class TeamModeIO(Schema):
    team: str
    mode: str = Field(..., description="team (the queue), round_robin or least_loaded")


class TeamAssignmentOut(Schema):
    teams: list[TeamModeIO]


class TeamAssignmentPatchIn(In):
    modes: dict[str, str] = Field(..., description="team slug → mode; teams left out keep theirs")
