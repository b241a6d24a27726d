"""The asset list: the shared filter bar and keyset rows (htmx swaps both), and its CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.assets import selectors
from steward.assets.filters import AssetFilters
from steward.assets.forms import AssetFilterForm
from steward.assets.selectors.export import asset_csv, asset_xlsx
from steward.assets.views.common import reader
from steward.core.errors import DomainError
from steward.core.filters import parse_query
from steward.web.forms import wants_partial

FIELDS = ("q", "status", "model", "location", "assignee")


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    filters, errors = parse_query(AssetFilters, request.GET)
    page = None
    if not errors:
        try:
            page = selectors.asset_list(actor, **filters.dict(), rows=True)
        except DomainError as exc:
            errors = {n: list(m) for n, m in exc.fields.items()} or {"": [exc.message]}
    form = AssetFilterForm(
        {name: request.GET.get(name, "") for name in FIELDS},
        models=selectors.model_visible(actor),
        locations=selectors.location_choices(actor),
    )
    form.show_errors(errors)
    context = {
        "page": page,
        "filters": form,
        "errors": errors,
        "other_errors": [
            f"{n}: {' '.join(m)}" if n else " ".join(m)
            for n, m in errors.items()
            if n not in FIELDS
        ],
        "can_write": selectors.can_write(actor),
        "query": _query(request),
    }
    partial = wants_partial(request) and request.GET.get("partial")
    context["oob"] = bool(partial)  # the filter's swap also renews the export links
    template = "assets/list.html#queue" if partial else "assets/list.html"
    return render(request, template, context, status=422 if errors else 200)


def _query(request: HttpRequest) -> str:
    """The list's filters as the export and label links carry them (not htmx's ``partial``)."""
    query = request.GET.copy()
    query.pop("partial", None)
    return query.urlencode()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export_filters(request: HttpRequest) -> tuple[dict | None, HttpResponse | None]:
    """The list's filters for an export, or the refusal (422 naming the filter) to answer
    before anything is streamed."""
    actor = reader(request)
    filters, errors = parse_query(AssetFilters, request.GET)
    if errors:
        refused = "; ".join(f"{n}: {' '.join(m)}" for n, m in errors.items())
        return None, HttpResponse(refused, status=422, content_type="text/plain")
    values = filters.dict()
    try:
        selectors.asset_list(actor, **{**values, "limit": 1})
    except DomainError as exc:
        return None, HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    return values, None


@login_required
@require_GET
def asset_export_xlsx(request: HttpRequest) -> HttpResponse:
    """The list's visible assets, with its filters, as an XLSX workbook (formula-safe,
    written to a temporary file in bounded memory and streamed from it)."""
    values, refused = _export_filters(request)
    if refused is not None:
        return refused
    workbook = asset_xlsx(request.actor, values)
    return FileResponse(workbook, as_attachment=True, filename="assets.xlsx", content_type=XLSX)


@login_required
@require_GET
def asset_export(request: HttpRequest) -> HttpResponse:
    """The list's visible assets, with its filters, as CSV (formula-safe, streamed)."""
    values, refused = _export_filters(request)
    if refused is not None:
        return refused
    actor = request.actor
    response = StreamingHttpResponse(
        asset_csv(actor, values), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="assets.csv"'
    return response
