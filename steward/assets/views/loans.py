"""The loans page: open loans by due date, the overdue ones first (the default), with the
holder, the asset, the due date and the days overdue; the filters are the API's
(``LoanFilters``, ``GET /api/v1/assets/loans``), the pages keyset like every list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from steward.assets import selectors
from steward.assets.filters import LoanFilters
from steward.assets.views.common import reader
from steward.core.errors import DomainError
from steward.core.filters import parse_query
from steward.web.filter_forms import named_refusals

SHOWN = (("true", _("Overdue")), ("false", _("Not yet due")), ("", _("All open loans")))
# a refused filter is named as the page names its control (the holder box's label, the
# tabs'), as the filter bars name theirs; a link's ``cursor`` or ``limit`` has no control
LABELS = {"holder": _("Holder"), "overdue": _("Which loans")}


@login_required
@require_GET
def loans(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    filters, errors = parse_query(LoanFilters, request.GET, defaults={"overdue": "true"})
    page = None
    if not errors:
        try:
            page = selectors.loan_list(actor, **filters.dict())
        except DomainError as exc:
            errors = {n: list(m) for n, m in exc.fields.items()} or {"": [exc.message]}
    overdue = request.GET.get("overdue", "true")
    context = {
        "page": page,
        "errors": named_refusals(errors, LABELS),
        "overdue": overdue,
        "shown": SHOWN,
        "holder": filters.holder,
        "heading": dict(SHOWN).get(overdue, _("Loans")),
    }
    return render(request, "assets/loans.html", context, status=422 if errors else 200)
