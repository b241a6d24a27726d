"""What a plain Django view pays for one article's row: no authentication, no rules."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from steward.knowledge.models import Article


def article(request: HttpRequest, number: str) -> JsonResponse:
    """One article's number and title by number, as JSON, through the same middleware."""
    row = Article.objects.filter(number=number).values("id", "number", "title").first()
    return JsonResponse(row or {}, status=200 if row else 404)
