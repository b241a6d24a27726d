"""Knowledge routes: thin, the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.knowledge import selectors, services
from steward.knowledge.filters import ArticleFilters
from steward.knowledge.schemas import (
    ArticleCreateIn,
    ArticleOut,
    ArticlePatchIn,
    ArticleVersionOut,
    FeedbackIn,
    FeedbackOut,
)

articles = Router(tags=["knowledge"])


@articles.get("", response=page_of(ArticleOut))
def list_articles(request: HttpRequest, filters: Query[ArticleFilters]):
    """Articles you may read; with ``q``, ranked (a title match above a mention in the body)."""
    return selectors.article_list(request.actor, **filters.dict())


@articles.post("", response={201: ArticleOut})
def create_article(request: HttpRequest, response: HttpResponse, payload: ArticleCreateIn):
    """A draft (agents); ``from_incident`` starts it from an incident's resolution."""
    article = create_with_key(
        request,
        scope="knowledge",
        data=payload.dict(exclude_unset=True),
        create=services.article_create,
        visible=selectors.article_visible,
    )
    return 201, tag(response, selectors.article_get(request.actor, number=article.number))


@articles.get("/{number}", response=ArticleOut)
def get_article(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.article_get(request.actor, number=number))


@articles.patch("/{number}", response=ArticleOut)
def patch_article(
    request: HttpRequest, response: HttpResponse, number: str, payload: ArticlePatchIn
):
    """Edit, or move (``status``): an illegal move is a 409 listing the allowed states."""
    services.article_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.article_get(request.actor, number=number))


@articles.get("/{number}/versions/{revision}", response=ArticleVersionOut)
def get_version(request: HttpRequest, number: str, revision: int):
    """One earlier published text (agents)."""
    article = selectors.article_get(request.actor, number=number)
    return selectors.article_version_get(request.actor, article, revision=revision)


@articles.put("/{number}/feedback", response=FeedbackOut)
def put_feedback(request: HttpRequest, number: str, payload: FeedbackIn):
    """Your vote on a published article; sending it again replaces it."""
    return services.article_vote(request.actor, number=number, helpful=payload.helpful)


ROUTERS = [("knowledge/articles", articles)]
