"""API shapes for the CMDB."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from steward.api.http import In, SingleLine


class AttributeSpecOut(Schema):
    name: str
    type: str
    required: bool = False
    choices: list[Any] | None = None
    reference_class: str | None = None
    label: str | None = None


class CIClassOut(Schema):
    slug: str
    name: str
    description: str
    parent: str | None = Field(None, alias="parent_slug")
    attributes: list[AttributeSpecOut] = Field(
        ..., description="this class's own attributes, as posted and patched"
    )
    identification_keys: list[str] = Field(..., description="own keys; empty: the parent's")
    effective_attributes: list[AttributeSpecOut] = Field(
        ...,
        alias="schema",
        description="the effective schema: inherited attributes first, then its own",
    )
    effective_keys: list[str] = Field(..., description="the keys imports match on")
    is_active: bool
    version: int


class AttributeSpecIn(In):
    name: str
    type: str = Field(
        ..., description="string, integer, decimal, boolean, date, enum, ip, reference"
    )
    required: bool = False
    choices: list[Any] | None = Field(None, description="the values of an enum")
    reference_class: str | None = Field(None, description="a reference's class slug")
    label: str | None = None


class CIClassCreateIn(In):
    name: SingleLine = Field(..., max_length=100)
    slug: str = Field(..., max_length=60)
    parent: str | None = Field(None, description="the parent class's slug")
    description: str = Field("", max_length=20_000)
    attributes: list[AttributeSpecIn] = Field(
        default_factory=list, description="this class's own attributes (not the inherited)"
    )
    identification_keys: list[str] = Field(default_factory=list)


class CIClassPatchIn(In):
    version: int | None = None
    name: SingleLine | None = Field(None, max_length=100)
    slug: str | None = Field(None, max_length=60)
    parent: str | None = None
    description: str | None = Field(None, max_length=20_000)
    attributes: list[AttributeSpecIn] | None = Field(
        None, description="the whole list of this class's own attributes"
    )
    identification_keys: list[str] | None = None
    is_active: bool | None = None


class RelationshipTypeOut(Schema):
    slug: str
    name: str
    inverse_name: str
    source_depends_on_target: bool


class RelationshipTypeCreateIn(In):
    slug: str = Field(..., max_length=40)
    name: SingleLine = Field(..., max_length=60)
    inverse_name: SingleLine = Field(..., max_length=60)
    source_depends_on_target: bool = Field(
        True, description="true when the source needs the target (impact flows upward)"
    )


class CIOut(Schema):
    number: str
    name: str
    description: str
    ci_class: str = Field(..., alias="ci_class.slug")
    attributes: dict[str, Any]
    status: str
    environment: str
    criticality: int
    owner_team: str | None = Field(None, alias="owner_team.slug")
    support_team: str | None = Field(None, alias="support_team.slug")
    organisation: str | None = Field(None, alias="organisation.slug")
    location: str | None = Field(None, alias="location.name")
    software_version: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    as_of: dt.datetime | None = Field(None, description="set when the CI is shown as it was")


class CICreateIn(In):
    name: SingleLine = Field(..., max_length=200)
    ci_class: str
    description: str = Field("", max_length=20_000)
    attributes: dict[str, Any] = Field(default_factory=dict)
    status: str = "live"
    environment: str = "production"
    criticality: int = Field(3, ge=1, le=4)
    owner_team: str | None = None
    support_team: str | None = None
    organisation: str | None = None
    location: str | None = None
    software_version: str = Field("", max_length=100)


class CIPatchIn(In):
    version: int | None = None
    name: SingleLine | None = Field(None, max_length=200)
    ci_class: str | None = None
    description: str | None = Field(None, max_length=20_000)
    attributes: dict[str, Any] | None = Field(
        None, description="merged into the current values; null removes an attribute"
    )
    status: str | None = None
    environment: str | None = None
    criticality: int | None = Field(None, ge=1, le=4)
    owner_team: str | None = None
    support_team: str | None = None
    organisation: str | None = None
    location: str | None = None
    software_version: str | None = Field(None, max_length=100)


class CIRef(Schema):
    number: str
    name: str
    ci_class: str = Field(..., alias="ci_class.slug")
    status: str


class RelationshipOut(Schema):
    id: int
    source: str = Field(..., alias="source.number")
    target: str = Field(..., alias="target.number")
    type: str = Field(..., alias="type.slug")
    source_name: str = Field(..., alias="source.name")
    target_name: str = Field(..., alias="target.name")
    created_at: dt.datetime


class CIChangeOut(Schema):
    """One entry of a CI's history: a write to it as the audit log keeps it."""

    id: int
    at: dt.datetime
    actor: str = Field(..., alias="actor_label", description="who, as recorded then")
    channel: str = Field(description="web, api, import, system, …")
    action: str = Field(description="create, update, …")
    changes: dict[str, Any] = Field(
        description="field → [old, new]; ``relationship`` → [old link, new link] for a link "
        "added or removed (links to CIs you may not see are left out)"
    )


class RelationshipCreateIn(In):
    source: str
    target: str
    type: str


class ImpactNodeOut(BaseModel):
    # A plain pydantic model read from ImpactNode's attributes: an answer holds thousands of
    # nodes, and ninja's Schema wraps each one in a Python-level getter (10x slower).
    model_config = ConfigDict(from_attributes=True)

    number: str
    name: str
    ci_class: str = Field(..., validation_alias="ci_class_slug")
    status: str
    criticality: int
    depth: int
    path: list[str] = Field(..., description="CI numbers from the start to this CI")
    via: str = Field(..., description="relationship type of the last hop")


class ImpactOut(Schema):
    ci: str = Field(..., alias="start.number")
    direction: str
    depth: int
    limit: int = Field(..., description="the most nodes this answer holds (the page size)")
    truncated: bool = Field(
        ..., description="more CIs are reached than `limit`: ask again with a larger limit"
    )
    items: list[ImpactNodeOut] = Field(..., alias="nodes")
    business_services: list[ImpactNodeOut]


def impact_body(impact: Any) -> dict[str, Any]:
    """``ImpactOut`` as plain JSON, built directly: validating thousands of nodes through the
    schema took most of an impact request. A test holds the two to the same output."""

    def node(n: Any) -> dict[str, Any]:
        return {
            "number": n.number,
            "name": n.name,
            "ci_class": n.ci_class_slug,
            "status": n.status,
            "criticality": n.criticality,
            "depth": n.depth,
            "path": n.path,
            "via": n.via,
        }

    items = [node(n) for n in impact.nodes]
    return {
        "ci": impact.start.number,
        "direction": impact.direction,
        "depth": impact.depth,
        "limit": impact.limit,
        "truncated": impact.truncated,
        "items": items,
        "business_services": [
            item
            for item, n in zip(items, impact.nodes, strict=True)
            if n.ci_class_slug == "business_service"
        ],
    }


# --- imports ---------------------------------------------------------------------------------


class ImportParams(Schema):
    source: str = Field(..., description="the import source, e.g. discovery or spreadsheet")
    dry_run: bool = Field(False, description="plan only: report what would change, write nothing")


class FileImportParams(ImportParams):
    format: str = Field("", description="csv or json; empty: from the file name or content")


class CIImportIn(In):
    cis: list[dict[str, Any]] = Field(
        default_factory=list,
        description='CI rows: {"ci_class", "name", "external_id", field, attribute: value}',
    )
    relationships: list[dict[str, Any]] = Field(
        default_factory=list,
        description='{"source": ID, "type": "runs_on", "target": ID}; ID = CI number, '
        "external id or identification key value",
    )


class ImportReportOut(Schema):
    source: str
    dry_run: bool
    applied: bool
    summary: str
    counts: dict[str, int]
    error_count: int
    errors: list[dict[str, Any]]
    rows: list[dict[str, Any]] = Field(..., description="per row: action, number, changes")
    rows_total: int
    rows_truncated: bool
