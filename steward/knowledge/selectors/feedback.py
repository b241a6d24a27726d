"""Readers' votes, views and deflections per article: what the knowledge owner sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from steward.core.actor import Actor
from steward.core.errors import PermissionDenied
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations
from steward.knowledge.models import Article, ArticleFeedback, Journey
from steward.knowledge.selectors.records import article_visible, with_relations

# A self-help journey lasts this long after its search or "report a problem" start: an
# article opened and a record raised count for it within the window (docs/knowledge.md).
JOURNEY_WINDOW = dt.timedelta(minutes=30)


def my_vote(actor: Actor, article: Article) -> bool | None:
    """The actor's vote on the article: True helpful, False not, None none yet."""
    if actor.user is None:
        return None
    return (
        ArticleFeedback.objects.filter(article=article, user=actor.user)
        .values_list("helpful", flat=True)
        .first()
    )


def _count(qs: QuerySet) -> Coalesce:
    counted = qs.order_by().values("article").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def deflections(qs: QuerySet[Journey], *, now: dt.datetime | None = None) -> QuerySet[Journey]:
    """Journeys that ended in a deflection: their window has passed, an article was opened
    and nothing was raised."""
    now = now or timezone.now()
    return qs.filter(article__isnull=False, raised="", started_at__lt=now - JOURNEY_WINDOW)


def _journeys_seen(actor: Actor) -> QuerySet[Journey]:
    """Journeys of people of the organisations the agent serves (and of none): an agent
    limited to some organisations counted every customer's portal visits."""
    return scope_to_organisations(actor, Journey.objects.all(), field="user__organisation")


def _votes_seen(actor: Actor) -> QuerySet[ArticleFeedback]:
    """Votes of people of the organisations the agent serves (and of none): as the
    journeys, an agent limited to some organisations counted every customer's votes on a
    shared article."""
    return scope_to_organisations(actor, ArticleFeedback.objects.all(), field="user__organisation")


def article_stats(
    actor: Actor,
    *,
    owner: str = "me",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """Articles (the actor's own, or ``owner``'s, or all with ``owner=""``) with views,
    helpful and not-helpful votes and deflections (of the people the actor serves): one
    query for the page."""
    if not actor.is_agent:
        raise PermissionDenied("Only agents see knowledge statistics.")
    qs = article_visible(actor)
    if owner:
        qs = qs.filter(owner__username=actor.user.username if owner == "me" else owner)
    votes = _votes_seen(actor).filter(article=OuterRef("pk"))
    qs = qs.annotate(
        helpful=_count(votes.filter(helpful=True)),
        not_helpful=_count(votes.filter(helpful=False)),
        deflected=_count(deflections(_journeys_seen(actor).filter(article=OuterRef("pk")))),
    )
    return paginate(with_relations(qs), order=("-view_count", "id"), cursor=cursor, limit=limit)


def deflection_totals(actor: Actor) -> dict[str, int]:
    """Portal journeys over the last 30 days: started, deflected, raised (agents only; of
    the people of the organisations they serve)."""
    if not actor.is_agent:
        raise PermissionDenied("Only agents see knowledge statistics.")
    now = timezone.now()
    recent = _journeys_seen(actor).filter(started_at__gte=now - dt.timedelta(days=30))
    closed = Q(started_at__lt=now - JOURNEY_WINDOW)
    return recent.aggregate(
        started=Count("id"),
        deflected=Count("id", filter=closed & Q(article__isnull=False, raised="")),
        raised=Count("id", filter=~Q(raised="")),
    )


def article_report_prefill(
    actor: Actor, *, number: str, link: Callable[[str], str]
) -> dict[str, str]:
    """What "Report a problem" from an article that did not help starts the incident form
    with: a title and a description naming the article (number, title and ``link(number)``,
    its address), so the desk knows which article failed; nothing for an article the actor
    may not read."""
    article = article_visible(actor).filter(number=str(number)[:16]).only("title").first()
    if article is None:
        return {}
    names = {"number": article.number, "title": article.title, "url": link(article.number)}
    return {
        "title": (gettext("Article %(number)s did not help: %(title)s") % names)[:200],
        "description": gettext(
            "The article %(number)s “%(title)s” (%(url)s) did not solve my problem.\n\n"
        )
        % names,
    }
