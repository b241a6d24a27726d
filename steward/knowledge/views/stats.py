"""What the knowledge owner sees per article: views, votes and deflections."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.core.errors import NotFound, ValidationFailed
from steward.knowledge import selectors


@login_required
@require_GET
def article_stats(request: HttpRequest) -> HttpResponse:
    """My articles (or everyone's with ``?owner=``) with views, helpful / not helpful and
    deflections, plus the portal's totals for the last 30 days."""
    actor = request.actor
    if not actor.is_agent:
        raise NotFound()
    owner = request.GET.get("owner", "me")[:150]
    errors: dict[str, list[str]] = {}
    try:
        page = selectors.article_stats(
            actor, owner=owner, cursor=request.GET.get("cursor") or None, limit=50
        )
    except ValidationFailed as exc:  # a forged cursor: the first page, and say so
        page, errors = None, exc.fields
    return render(
        request,
        "knowledge/stats.html",
        {
            "page": page,
            "owner": owner,
            "errors": errors,
            "totals": selectors.deflection_totals(actor),
        },
        status=422 if errors else 200,
    )
