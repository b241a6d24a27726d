"""CMDB routes: thin, the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router, Schema
from pydantic import Field

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.cmdb import api_imports, history, selectors, services
from steward.cmdb import classes as classes_services
from steward.cmdb.schemas import (
    CIClassCreateIn,
    CIClassOut,
    CIClassPatchIn,
    CICreateIn,
    CIOut,
    CIPatchIn,
    ImpactOut,
    RelationshipCreateIn,
    RelationshipOut,
    RelationshipTypeCreateIn,
    RelationshipTypeOut,
    impact_body,
)
from steward.core.idempotency import create_once

classes = Router(tags=["cmdb"])
cis = Router(tags=["cmdb"])
relationships = Router(tags=["cmdb"])


class ClassFilters(Schema):
    q: str = Field("", description="part of the name or slug")
    cursor: str | None = None
    limit: int | None = None


@classes.get("", response=page_of(CIClassOut))
def list_classes(request: HttpRequest, filters: Query[ClassFilters]):
    return selectors.ci_class_page(request.actor, **filters.dict())


@classes.post("", response={201: CIClassOut})
def create_class(request: HttpRequest, response: HttpResponse, payload: CIClassCreateIn):
    data = payload.dict()
    data["attributes"] = [a.dict(exclude_none=True) for a in payload.attributes]
    cls = create_with_key(
        request,
        scope="ci-classes",
        data=data,
        create=classes_services.ci_class_create,
        visible=selectors.ci_class_visible,
    )
    return 201, tag(response, selectors.ci_class_get(request.actor, slug=cls.slug))


@classes.get("/{slug}", response=CIClassOut)
def get_class(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.ci_class_get(request.actor, slug=slug))


@classes.patch("/{slug}", response=CIClassOut)
def patch_class(request: HttpRequest, response: HttpResponse, slug: str, payload: CIClassPatchIn):
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if payload.attributes is not None:
        changes["attributes"] = [a.dict(exclude_none=True) for a in payload.attributes]
    cls = classes_services.ci_class_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=changes,
    )
    return tag(response, selectors.ci_class_get(request.actor, slug=cls.slug))


relationship_types = Router(tags=["cmdb"])


class TypeFilters(Schema):
    cursor: str | None = None
    limit: int | None = None


@relationship_types.get("", response=page_of(RelationshipTypeOut))
def list_relationship_types(request: HttpRequest, filters: Query[TypeFilters]):
    return selectors.relationship_type_page(request.actor, **filters.dict())


@relationship_types.post("", response={201: RelationshipTypeOut})
def create_relationship_type(request: HttpRequest, payload: RelationshipTypeCreateIn):
    kind = create_with_key(
        request,
        scope="relationship-types",
        data=payload.dict(),
        create=classes_services.relationship_type_create,
        visible=selectors.relationship_type_visible,
    )
    return 201, selectors.relationship_type_get(request.actor, slug=kind.slug)


@relationship_types.get("/{slug}", response=RelationshipTypeOut)
def get_relationship_type(request: HttpRequest, slug: str):
    return selectors.relationship_type_get(request.actor, slug=slug)


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


AS_OF = "an ISO 8601 date and time: the CI as it was then, rebuilt from its history"


@cis.get("/{number}", response=CIOut)
def get_ci(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    as_of: str | None = Query(None, description=AS_OF),
):
    at = history.parse_as_of(as_of)
    if at is None:
        return tag(response, selectors.ci_get(request.actor, number=number))
    past = history.ci_as_of(request.actor, number, at)
    past.ci.as_of = past.as_of
    return tag(response, past.ci)


@cis.get("/{number}/relationships", response=page_of(RelationshipOut))
def ci_relationships(
    request: HttpRequest, number: str, as_of: str | None = Query(None, description=AS_OF)
):
    """Both directions, outgoing first; at most 500 (one page, ``next`` is always null)."""
    at = history.parse_as_of(as_of)
    if at is None:
        ci = selectors.ci_get(request.actor, number=number)
        found = selectors.ci_relationships(request.actor, ci)
        return {"items": found["outgoing"] + found["incoming"], "next": None}
    return {"items": history.ci_as_of(request.actor, number, at).relationships, "next": None}


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
    impact = selectors.impact(request.actor, number=number, **params.dict())
    return JsonResponse(impact_body(impact))


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


ROUTERS = [
    ("ci-classes", classes),
    *api_imports.ROUTERS,  # /cis/import and /cis/export.csv, before /cis/{number} matches them
    ("cis", cis),
    ("relationships", relationships),
    ("relationship-types", relationship_types),
]
