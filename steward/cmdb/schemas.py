"""API shapes for the CMDB."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from steward.api.http import In


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
        ..., alias="schema", description="the effective schema, inherited attributes included"
    )
    identification_keys: list[str] = Field(..., alias="effective_keys")


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


class CICreateIn(In):
    name: str = Field(..., max_length=200)
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
    name: str | None = Field(None, max_length=200)
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


class RelationshipCreateIn(In):
    source: str
    target: str
    type: str


class ImpactNodeOut(Schema):
    number: str = Field(..., alias="ci.number")
    name: str = Field(..., alias="ci.name")
    ci_class: str = Field(..., alias="ci.ci_class.slug")
    status: str = Field(..., alias="ci.status")
    criticality: int = Field(..., alias="ci.criticality")
    depth: int
    path: list[str] = Field(..., description="CI numbers from the start to this CI")
    via: str = Field(..., description="relationship type of the last hop")


class ImpactOut(Schema):
    ci: str = Field(..., alias="start.number")
    direction: str
    depth: int
    truncated: bool
    items: list[ImpactNodeOut] = Field(..., alias="nodes")
    business_services: list[ImpactNodeOut]
