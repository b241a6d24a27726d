"""Readers' side effects: a vote per person (changeable), and a view counted without
touching the article's row (a hit is inserted; the worker sums hits into ``view_count``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext

from steward.core.actor import Actor
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.knowledge import selectors
from steward.knowledge.choices import Status
from steward.knowledge.models import Article, ArticleFeedback, ArticleView
from steward.knowledge.services.journeys import article_opened

ROLL_UP_BATCH = 10_000


@transaction.atomic
def article_vote(actor: Actor, *, number: str, helpful: object) -> ArticleFeedback:
    """Record the actor's "helpful" or "not helpful" on a published article they may read;
    voting again replaces their earlier vote (one per person)."""
    if actor.user is None:
        raise PermissionDenied(gettext("Only people vote on articles."))
    if not isinstance(helpful, bool):
        raise ValidationFailed.one("helpful", gettext("must be true or false"))
    article = selectors.article_get(actor, number=number)
    if article.status != Status.PUBLISHED:
        raise ValidationFailed.one("helpful", gettext("only published articles take votes"))
    vote, _ = ArticleFeedback.objects.update_or_create(
        article=article, user=actor.user, defaults={"helpful": helpful}
    )
    return vote


def article_viewed(actor: Actor, article: Article) -> None:
    """Count one read (an insert, no lock) and note it on the reader's open portal journey."""
    ArticleView.objects.create(article=article)
    if actor.user is not None and article.status == Status.PUBLISHED:
        article_opened(actor, article)


@transaction.atomic
def views_roll_up(*, batch: int = ROLL_UP_BATCH) -> int:
    """Sum pending view hits into ``Article.view_count`` and delete them; returns how many
    hits were counted. One UPDATE per article read since the last run."""
    pending = list(ArticleView.objects.order_by("id").values_list("id", flat=True)[:batch])
    if not pending:
        return 0
    counts = (
        ArticleView.objects.filter(id__in=pending)
        .values("article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in counts:
        Article.objects.filter(pk=row["article_id"]).update(view_count=F("view_count") + row["n"])
    ArticleView.objects.filter(id__in=pending).delete()
    return len(pending)
