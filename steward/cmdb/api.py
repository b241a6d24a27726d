"""CMDB routes: thin, the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from steward.api.http import expected_version, page_of, tag
from steward.cmdb import selectors, services
from steward.cmdb.schemas import (
    CIClassOut,
    CICreateIn,
    CIOut,
    CIPatchIn,
    ImpactOut,
    RelationshipCreateIn,
    RelationshipOut,
)
from steward.core.idempotency import create_once

classes = Router(tags=["cmdb"])
cis = Router(tags=["cmdb"])
relationships = Router(tags=["cmdb"])


@classes.get("", response=list[CIClassOut])
def list_classes(request: HttpRequest):
    return selectors.ci_class_list(request.actor)


@classes.get("/{slug}", response=CIClassOut)
def get_class(request: HttpRequest, slug: str):
    return selectors.ci_class_get(request.actor, slug=slug)


class CIFilters(Schema):
    q: str = ""
    ci_class: str = Field("", alias="class", description="a class slug; includes subclasses")
    status: str = ""
    environment: str = ""
    owner_team: str = ""
    cursor: str | None = None
    limit: int | None = None


@cis.get(
    "",
    response=page_of(CIOut),
    description="Also filters on attributes: `?class=server&attr.os=linux`.",
)
def list_cis(request: HttpRequest, filters: Query[CIFilters]):
    attrs = selectors.attribute_filters(request.GET)
    return selectors.ci_list(request.actor, attrs=attrs, **filters.dict())


@cis.post("", response={201: CIOut})
def create_ci(request: HttpRequest, response: HttpResponse, payload: CICreateIn):
    data = payload.dict(exclude_unset=True)
    ci, _ = create_once(
        request.actor,
        key=request.headers.get("Idempotency-Key"),
        scope="cis",
        payload=data,
        create=lambda: services.ci_create(request.actor, **data),
        fetch=lambda pk: selectors.ci_visible(request.actor).get(pk=pk),
    )
    return 201, tag(response, selectors.ci_get(request.actor, number=ci.number))


@cis.get("/{number}", response=CIOut)
def get_ci(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.ci_get(request.actor, number=number))


@cis.patch("/{number}", response=CIOut)
def patch_ci(request: HttpRequest, response: HttpResponse, number: str, payload: CIPatchIn):
    services.ci_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.ci_get(request.actor, number=number))


class ImpactParams(Schema):
    direction: str = Field("up", description="up: who depends on it; down: what it needs")
    depth: int = Field(selectors.DEFAULT_DEPTH, description=f"1 to {selectors.MAX_DEPTH}")


@cis.get("/{number}/impact", response=ImpactOut)
def ci_impact(request: HttpRequest, number: str, params: Query[ImpactParams]):
    return selectors.impact(request.actor, number=number, **params.dict())


class RelationshipFilters(Schema):
    ci: str = Field("", description="a CI number: relationships at either end")
    type: str = ""
    cursor: str | None = None
    limit: int | None = None


@relationships.get("", response=page_of(RelationshipOut))
def list_relationships(request: HttpRequest, filters: Query[RelationshipFilters]):
    return selectors.relationship_list(request.actor, **filters.dict())


@relationships.post("", response={201: RelationshipOut})
def create_relationship(request: HttpRequest, payload: RelationshipCreateIn):
    data = payload.dict()
    relationship, _ = create_once(
        request.actor,
        key=request.headers.get("Idempotency-Key"),
        scope="relationships",
        payload=data,
        create=lambda: services.relationship_create(request.actor, **data),
        fetch=lambda pk: selectors.relationship_visible(request.actor).get(pk=pk),
    )
    return 201, selectors.relationship_get(request.actor, relationship_id=relationship.id)


@relationships.get("/{relationship_id}", response=RelationshipOut)
def get_relationship(request: HttpRequest, relationship_id: int):
    return selectors.relationship_get(request.actor, relationship_id=relationship_id)


@relationships.delete("/{relationship_id}", response={204: None})
def delete_relationship(request: HttpRequest, relationship_id: int):
    services.relationship_delete(request.actor, relationship_id=relationship_id)
    return 204, None


ROUTERS = [("ci-classes", classes), ("cis", cis), ("relationships", relationships)]
