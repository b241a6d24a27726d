"""CMDB import and export routes: thin, ``steward.cmdb.imports`` and ``export`` do the work.

Mounted on ``/cis`` before the CI router so ``/cis/export.csv`` is not read as a CI number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from steward.api.http import In
from steward.cmdb import export, imports, selectors
from steward.cmdb.imports.reader import FORMATS, guess_format
from steward.core.errors import PayloadTooLarge, ValidationFailed
from steward.core.files import sniff

router = Router(tags=["cmdb"])


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


@router.post(
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


@router.post(
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


class ExportFilters(Schema):
    q: str = ""
    ci_class: str = Field("", alias="class", description="a class slug; includes subclasses")
    status: str = ""
    environment: str = ""
    owner_team: str = ""


@router.get(
    "/export.csv",
    response={200: None},
    description="The visible CIs matching the list's filters as CSV (formula-safe, streamed).",
    openapi_extra={"responses": {"200": {"content": {"text/csv": {}}}}},
)
def export_cis(request: HttpRequest, filters: Query[ExportFilters]):
    attrs = selectors.attribute_filters(request.GET)
    values = filters.dict()
    page = export.first_page(request.actor, values, attrs)
    response = StreamingHttpResponse(
        export.ci_csv(request.actor, values, attrs, page), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cis.csv"'
    return response


ROUTERS = [("cis", router)]
