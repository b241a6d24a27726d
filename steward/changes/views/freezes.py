"""Freeze windows: the list every agent reads, the form change managers keep them with."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from steward.changes import selectors, services
from steward.changes.filters import FreezeFilters
from steward.changes.forms import FreezeFilterForm, FreezeForm
from steward.changes.views.common import agents_only, unplaced
from steward.core.errors import DomainError
from steward.core.filters import parse_query
from steward.web.forms import submit, wants_partial
from steward.web.pickers import set_label

FORM = "changes/freeze_form.html"


@login_required
@require_GET
def freeze_list(request: HttpRequest) -> HttpResponse:
    agents_only(request)
    actor = request.actor
    filters, refused = parse_query(FreezeFilters, request.GET)
    page = None
    if not refused:
        try:
            page = selectors.freeze_list(actor, **filters.dict())
        except DomainError as exc:
            refused = exc.fields or {"__all__": [exc.message]}
    bar = FreezeFilterForm({"q": request.GET.get("q", "")})
    bar.show_errors(refused)
    partial = wants_partial(request) and request.GET.get("partial")
    return render(
        request,
        "changes/freezes.html#listing" if partial else "changes/freezes.html",
        {
            "page": page,
            "refused": refused,
            "filters": bar,
            "error": unplaced(refused, shown=("q",)),
            "now": timezone.now(),
            "can_edit": selectors.can_configure(actor),
        },
        status=422 if refused else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def freeze_new(request: HttpRequest) -> HttpResponse:
    agents_only(request)
    form = FreezeForm(request.POST or None)
    if request.method == "GET":
        return render(request, FORM, {"form": form, "freeze": None})
    return submit(
        request,
        form,
        lambda f: services.freeze_create(request.actor, **f.values()),
        success=reverse("changes:freezes"),
        template=FORM,
        context={"freeze": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def freeze_edit(request: HttpRequest, slug: str) -> HttpResponse:
    freeze = selectors.freeze_get(request.actor, slug=slug)
    form = FreezeForm(request.POST or None, initial=FreezeForm.initial_for(freeze))
    form.fields["slug"].disabled = True  # the slug names it in URLs and the API
    if freeze.ci is not None:
        set_label(form, "ci", freeze.ci.name)
    if request.method == "GET":
        return render(request, FORM, {"form": form, "freeze": freeze})
    return submit(
        request,
        form,
        lambda f: services.freeze_update(
            request.actor,
            slug=slug,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(freeze),
        ),
        success=reverse("changes:freezes"),
        template=FORM,
        context={"freeze": freeze},
    )
