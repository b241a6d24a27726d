"""Freeze windows: the list every agent reads, the form change managers keep them with."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from steward.changes import selectors, services
from steward.changes.forms import FreezeForm
from steward.changes.pages.common import actor_of, apply_error, is_change_manager, not_found
from steward.core.errors import DomainError, NotFound


@login_required
@require_GET
def freeze_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_agent:
        return not_found(request)
    error, page = "", None
    try:
        page = selectors.freeze_list(
            actor, q=request.GET.get("q", "").strip(), cursor=request.GET.get("cursor") or None
        )
    except DomainError as exc:
        error = exc.message
    return render(
        request,
        "changes/pages/freezes.html",
        {
            "page": page,
            "error": error,
            "q": request.GET.get("q", ""),
            "now": timezone.now(),
            "can_edit": is_change_manager(actor),
        },
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def freeze_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_agent:
        return not_found(request)
    form = FreezeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            values = form.values()
            try:
                services.freeze_create(actor, **values)
            except DomainError as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                return redirect("changes:freezes")
    return render(
        request, "changes/pages/freeze_form.html", {"form": form, "freeze": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def freeze_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        freeze = selectors.freeze_get(actor, slug=slug)
    except NotFound:
        return not_found(request)
    form = FreezeForm(request.POST or None, initial=FreezeForm.initial_for(freeze))
    form.fields["slug"].disabled = True  # the slug names it in URLs and the API
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.freeze_update(
                    actor,
                    slug=slug,
                    expected_version=form.cleaned_data["version"],
                    changes=form.changes(freeze),
                )
            except NotFound:
                return not_found(request)
            except DomainError as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                return redirect("changes:freezes")
    return render(
        request, "changes/pages/freeze_form.html", {"form": form, "freeze": freeze}, status=status
    )
