"""CMDB routes: thin, the services and selectors do the work.

The import and export routes are mounted on ``/cis`` before the CI router, so
``/cis/export.csv`` is not read as a CI number."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from ninja import File, Query, Router
from ninja.files import UploadedFile

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.cmdb import imports, selectors, services
from steward.cmdb.filters import (
    ATTRIBUTE_FILTERS,
    CIFilters,
    CIMatch,
    ClassFilters,
    ImpactParams,
    PageParams,
    RelationshipFilters,
    RelationshipTypeFilters,
    attribute_filters,
)
from steward.cmdb.imports.reader import FORMATS, guess_format
from steward.cmdb.schemas import (
    CIChangeOut,
    CIClassCreateIn,
    CIClassOut,
    CIClassPatchIn,
    CICreateIn,
    CIImportIn,
    CIOut,
    CIPatchIn,
    FileImportParams,
    ImpactOut,
    ImportParams,
    ImportReportOut,
    RelationshipCreateIn,
    RelationshipOut,
    RelationshipTypeCreateIn,
    RelationshipTypeOut,
    impact_body,
)
from steward.cmdb.selectors import export, history
from steward.cmdb.selectors.past import ci_as_of, parse_as_of
from steward.core.errors import PayloadTooLarge, ValidationFailed
from steward.core.files import sniff
from steward.core.idempotency import create_once

classes = Router(tags=["cmdb"])
cis = Router(tags=["cmdb"])
relationships = Router(tags=["cmdb"])


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
        create=services.ci_class_create,
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
    cls = services.ci_class_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=changes,
    )
    return tag(response, selectors.ci_class_get(request.actor, slug=cls.slug))


relationship_types = Router(tags=["cmdb"])


@relationship_types.get("", response=page_of(RelationshipTypeOut))
def list_relationship_types(request: HttpRequest, filters: Query[RelationshipTypeFilters]):
    return selectors.relationship_type_page(request.actor, **filters.dict())


@relationship_types.post("", response={201: RelationshipTypeOut})
def create_relationship_type(request: HttpRequest, payload: RelationshipTypeCreateIn):
    kind = create_with_key(
        request,
        scope="relationship-types",
        data=payload.dict(),
        create=services.relationship_type_create,
        visible=selectors.relationship_type_visible,
    )
    return 201, selectors.relationship_type_get(request.actor, slug=kind.slug)


@relationship_types.get("/{slug}", response=RelationshipTypeOut)
def get_relationship_type(request: HttpRequest, slug: str):
    return selectors.relationship_type_get(request.actor, slug=slug)


@cis.get(
    "",
    response=page_of(CIOut),
    description="Also filters on attributes: `?class=server&attr.os=linux`.",
    openapi_extra=ATTRIBUTE_FILTERS,
)
def list_cis(request: HttpRequest, filters: Query[CIFilters]):
    attrs = attribute_filters(request.GET)
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
    at = parse_as_of(as_of)
    if at is None:
        return tag(response, selectors.ci_get(request.actor, number=number))
    past = ci_as_of(request.actor, number, at)
    past.ci.as_of = past.as_of
    return tag(response, past.ci)


@cis.get("/{number}/relationships", response=page_of(RelationshipOut))
def ci_relationships(
    request: HttpRequest, number: str, as_of: str | None = Query(None, description=AS_OF)
):
    """Both directions, outgoing first; at most 500, the first by type and id, now or
    ``as_of`` a past moment alike (one page, ``next`` is always null)."""
    at = parse_as_of(as_of)
    if at is None:
        ci = selectors.ci_get(request.actor, number=number)
        found = selectors.ci_relationships(request.actor, ci)
        return {"items": found["outgoing"] + found["incoming"], "next": None}
    return {"items": ci_as_of(request.actor, number, at).relationships, "next": None}


@cis.get("/{number}/history", response=page_of(CIChangeOut))
def ci_history(request: HttpRequest, number: str, page: Query[PageParams]):
    """The CI's changes, newest first, a keyset page at a time (default 50, at most 500):
    the same entries as the CI page's history; ``next`` is the cursor of older ones."""
    ci = selectors.ci_get(request.actor, number=number)
    found, _names = history.ci_history(request.actor, ci, **page.dict())
    return found


@cis.patch("/{number}", response=CIOut)
def patch_ci(request: HttpRequest, response: HttpResponse, number: str, payload: CIPatchIn):
    services.ci_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.ci_get(request.actor, number=number))


@cis.get("/{number}/impact", response=ImpactOut)
def ci_impact(request: HttpRequest, number: str, params: Query[ImpactParams]):
    impact = selectors.impact(request.actor, number=number, **params.dict())
    return JsonResponse(impact_body(impact))


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


# --- import and export ---------------------------------------------------------------------

transfers = Router(tags=["cmdb"])


class ImportFailed(ValidationFailed):
    """A batch with bad rows: 422 naming the first bad fields, with the whole report."""

    def __init__(self, report: imports.ImportReport) -> None:
        super().__init__(report.error_fields(), message=report.summary())
        self.report = report

    def extra(self) -> dict:
        return {"report": self.report.as_dict()}


def _answer(report: imports.ImportReport) -> dict[str, Any]:
    if not report.ok:
        raise ImportFailed(report)
    return report.as_dict()


@transfers.post(
    "/import",
    response=ImportReportOut,
    description="Reconcile CIs and relationships (see docs/cmdb.md); all or nothing.",
)
def import_cis(request: HttpRequest, params: Query[ImportParams], payload: CIImportIn):
    report = imports.import_batch(
        request.actor,
        cis=payload.cis,
        relationships=payload.relationships,
        source=params.source,
        dry_run=params.dry_run,
    )
    return _answer(report)


@transfers.post(
    "/import/file",
    response=ImportReportOut,
    description="The same from an uploaded CSV (UTF-8, header row) or JSON file.",
)
def import_cis_file(
    request: HttpRequest, params: Query[FileImportParams], file: File[UploadedFile]
):
    if file.size > settings.MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"Files up to {settings.MAX_UPLOAD_BYTES} bytes.")
    data = file.read()
    if sniff(data[:4096]) != "text/plain":
        raise ValidationFailed.one("file", "expected a CSV or JSON text file")
    fmt = params.format or guess_format(file.name or "", data[:64])
    if fmt not in FORMATS:
        raise ValidationFailed.one("format", "csv or json")
    report = imports.import_file(
        request.actor, data, fmt=fmt, source=params.source, dry_run=params.dry_run
    )
    return _answer(report)


@transfers.get(
    "/export.csv",
    response={200: None},
    description="The visible CIs matching the list's filters as CSV (formula-safe, streamed).",
    openapi_extra={"responses": {"200": {"content": {"text/csv": {}}}}, **ATTRIBUTE_FILTERS},
)
def export_cis(request: HttpRequest, filters: Query[CIMatch]):
    attrs = attribute_filters(request.GET)
    values = filters.dict()
    page = export.first_page(request.actor, values, attrs)
    response = StreamingHttpResponse(
        export.ci_csv(request.actor, values, attrs, page), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cis.csv"'
    return response


ROUTERS = [
    ("ci-classes", classes),
    ("cis", transfers),  # /cis/import and /cis/export.csv, before /cis/{number} matches them
    ("cis", cis),
    ("relationships", relationships),
    ("relationship-types", relationship_types),
]
