"""The catalogue to browse, and an item's order form (built from its definition)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from steward.catalog import selectors, services
from steward.catalog.filters import ItemFilters
from steward.catalog.forms import OrderForm
from steward.core.errors import NotFound
from steward.core.filters import parse_query
from steward.web.filter_forms import named_refusals
from steward.web.forms import submit, wants_partial

# a refused filter is named by the label of the box that sets it, as the contracts and
# loans pages name theirs (decision 0123); a link's ``service`` or ``cursor`` keeps its name
LABELS = {"q": _("Search the catalogue"), "category": _("Category")}


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """The items the person may order, by category; ``q`` and ``category`` narrow it."""
    filters, errors = parse_query(ItemFilters, request.GET)
    page = selectors.item_list(request.actor, **{**filters.dict(), "orderable": True, "limit": 200})
    # the search bar's htmx question (``partial=1``, as it types) gets the bar and the items
    partial = wants_partial(request) and request.GET.get("partial")
    return render(
        request,
        "catalog/catalogue.html#catalogue" if partial else "catalog/catalogue.html",
        {
            "items": page.items,
            "categories": selectors.item_categories(request.actor),
            "params": filters,
            "errors": named_refusals(errors, LABELS),
        },
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def order(request: HttpRequest, slug: str) -> HttpResponse:
    """An item's page: what it is, and its form; ordering leads to the new request."""
    item = selectors.item_orderable(request.actor).filter(slug=slug).first()
    if item is None:
        raise NotFound()
    context = {"item": item}
    if request.method == "POST":
        form = OrderForm(item.form, request.POST, request.FILES)
        return submit(
            request,
            form,
            lambda f: services.request_order(request.actor, item=item.slug, answers=f.answers()),
            success=lambda created: reverse("catalog:detail", args=[created.number]),
            template="catalog/order.html",
            context=context,
            aliases=form.aliases,
        )
    return render(request, "catalog/order.html", {**context, "form": OrderForm(item.form)})
