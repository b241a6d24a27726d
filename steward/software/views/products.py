"""The software pages: products with their compliance badges, and one product's page with
its licences, its position per metric and the drill-down of consuming installations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.core.errors import DomainError, NotFound
from steward.software import selectors
from steward.software.filters import InstallationFilters, ProductFilters, parse_query
from steward.software.forms import ProductFilterForm
from steward.web.forms import wants_partial


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.actor):
        raise NotFound()  # requesters get the page an unknown address gets


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    """Products by publisher and name, each with its compliance badge."""
    _require_reader(request)
    actor = request.actor
    filters, errors = parse_query(ProductFilters, request.GET)
    page = None
    if not errors:
        try:
            page = selectors.product_list(actor, **filters.dict())
            selectors.with_compliance(actor, page.items)
        except DomainError as exc:
            errors = {n: list(m) for n, m in exc.fields.items()} or {"q": [exc.message]}
    form = ProductFilterForm({"q": request.GET.get("q", "")})
    form.show_errors(errors)
    context = {
        "page": page,
        "filters": form,
        "errors": errors,
        "can": selectors.software_capabilities(actor),
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "software/list.html#queue" if partial else "software/list.html"
    return render(request, template, context, status=422 if errors else 200)


@login_required
@require_GET
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A product: its position per metric, its licences, and the consuming installations
    (the drill-down, a page at a time)."""
    _require_reader(request)
    actor = request.actor
    product = selectors.product_get(actor, slug=slug)
    selectors.with_compliance(actor, [product])
    filters, errors = parse_query(InstallationFilters, request.GET)
    values = {**filters.dict(), "product": product.slug}
    if values["counting"] is None:
        values["counting"] = True
    installations = None if errors else selectors.installation_list(actor, **values)
    context = {
        "product": product,
        "licences": selectors.product_licences(actor, product.pk),
        "installations": installations,
        "errors": errors,
        "can": selectors.software_capabilities(actor),
    }
    return render(request, "software/detail.html", context, status=422 if errors else 200)
