"""The asset manager's other pages: stock, expiring contracts, the disposition report (and
its CSV), printable labels with QR codes, and the CSV import."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.assets import selectors, services
from steward.assets.filters import AssetFilters, ContractFilters
from steward.assets.forms import ImportForm
from steward.assets.selectors.export import disposition_csv
from steward.assets.selectors.labels import qr_png, qr_svg
from steward.assets.views.common import reader
from steward.cmdb.imports import stash
from steward.core.errors import Conflict, DomainError
from steward.core.filters import parse_query
from steward.web.filter_forms import named_refusals
from steward.web.forms import submit

# a refused contract filter is named as the page names what sets it (the tabs' "Horizon",
# the columns' "Kind" and "Vendor" for a link's filter), as the loans page names its own
CONTRACT_LABELS = {"expiring_within": _("Horizon"), "kind": _("Kind"), "vendor": _("Vendor")}
SESSION_KEY = "assets_import"
LABELS_PER_SHEET = 60


@login_required
@require_GET
def stock(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    return render(request, "assets/stock.html", {"lines": selectors.stock_view(actor)})


@login_required
@require_GET
def contracts(request: HttpRequest) -> HttpResponse:
    """Contracts ending within ``expiring_within`` days (90 unless the query says)."""
    actor = reader(request)
    filters, errors = parse_query(ContractFilters, request.GET, defaults={"expiring_within": "90"})
    page = None
    if not errors:
        try:
            page = selectors.contract_list(actor, **filters.dict())
        except DomainError as exc:
            errors = {n: list(m) for n, m in exc.fields.items()} or {"": [exc.message]}
    context = {
        "page": page,
        "errors": named_refusals(errors, CONTRACT_LABELS),
        "days": filters.expiring_within,
    }
    return render(request, "assets/contracts.html", context, status=422 if errors else 200)


@login_required
@require_GET
def disposition_report(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    page = selectors.disposition_report(actor, cursor=request.GET.get("cursor") or None, limit=100)
    return render(request, "assets/disposition_report.html", {"page": page})


@login_required
@require_GET
def disposition_report_csv(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    response = StreamingHttpResponse(disposition_csv(actor), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="disposition-report.csv"'
    return response


def asset_url(number: str) -> str:
    """The address a label's QR code opens: STEWARD_BASE_URL plus the asset's page."""
    return f"{settings.BASE_URL}{reverse('assets:detail', args=[number])}"


@login_required
@require_GET
def labels(request: HttpRequest) -> HttpResponse:
    """A printable sheet of labels for the list's first page with the same filters."""
    actor = reader(request)
    filters, errors = parse_query(AssetFilters, request.GET)
    values = {**filters.dict(), "limit": LABELS_PER_SHEET, "cursor": None}
    page = selectors.asset_list(actor, **values) if not errors else None
    labels_ = [
        {"asset": a, "url": asset_url(a.number), "qr": qr_svg(asset_url(a.number))}
        for a in (page.items if page else [])
    ]
    return render(request, "assets/labels.html", {"labels": labels_, "errors": errors})


@login_required
@require_GET
def label_png(request: HttpRequest, number: str) -> HttpResponse:
    """One asset's QR code as a PNG (for label printers that take images)."""
    actor = reader(request)
    asset = selectors.asset_get(actor, number=number)
    response = HttpResponse(qr_png(asset_url(asset.number)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{asset.number}.png"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def asset_import(request: HttpRequest) -> HttpResponse:
    """Upload and dry-run: the plan is shown, a clean file kept (server-side) for applying."""
    actor = reader(request)
    page = "assets/import.html"
    if request.method == "GET":
        return render(request, page, {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)

    def dry_run(f: forms.Form):
        data = f.cleaned_data["file"].read()
        report = services.import_asset_file(actor, data, dry_run=True)
        pending = None
        if report.ok:
            _forget(request)
            pending = {
                "token": stash.keep(request.user.pk, data),
                "name": f.cleaned_data["file"].name,
            }
            request.session[SESSION_KEY] = pending
        return pending, report

    def shown(result) -> HttpResponse:
        pending, report = result
        context = {"form": form, "report": report, "pending": pending}
        return render(request, page, context, status=200 if report.ok else 422)

    return submit(request, form, dry_run, success=shown, template=page)


def _forget(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        stash.drop(request.user.pk, pending["token"])


@login_required
@require_POST
def asset_import_apply(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    page = "assets/import.html"

    def apply(_: forms.Form):
        pending = request.session.get(SESSION_KEY)
        if not pending or not stash.exists(request.user.pk, pending["token"]):
            raise Conflict("Nothing to apply: upload the file again.")
        data = stash.read(request.user.pk, pending["token"])
        report = services.import_asset_file(actor, data, dry_run=False)
        _forget(request)
        return report

    def shown(report) -> HttpResponse:
        context = {"form": ImportForm(), "report": report}
        return render(request, page, context, status=200 if report.ok else 422)

    return submit(
        request,
        forms.Form(request.POST),
        apply,
        success=shown,
        template=page,
        context={"form": ImportForm()},
        form_name="apply_form",
    )
