"""What the knowledge owner sees per article: views, votes and deflections."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.core.errors import NotFound
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
    page = selectors.article_stats(
        actor, owner=owner, cursor=request.GET.get("cursor") or None, limit=50
    )
    return render(
        request,
        "knowledge/stats.html",
        {"page": page, "owner": owner, "totals": selectors.deflection_totals(actor)},
    )
