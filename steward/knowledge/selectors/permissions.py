"""What an actor may do with an article: the page's buttons come from here, the services
enforce the same rules (agents write articles; anyone who reads one may vote on it)."""

from __future__ import annotations

from dataclasses import dataclass

from steward.core.actor import Actor
from steward.core.workflow import Move
from steward.knowledge.choices import Status
from steward.knowledge.models import Article
from steward.knowledge.workflow import ARTICLE_FLOW

PRIMARY_MOVES = (Status.PUBLISHED,)


@dataclass(frozen=True)
class ArticleCapabilities:
    can_edit: bool
    can_vote: bool
    moves: tuple[Move, ...]


def article_allowed_transitions(actor: Actor, article: Article) -> list[str]:
    return ARTICLE_FLOW.allowed(article.status) if actor.is_agent else []


def article_capabilities(actor: Actor, article: Article) -> ArticleCapabilities:
    moves = ARTICLE_FLOW.moves(
        article.status, article_allowed_transitions(actor, article), primary=PRIMARY_MOVES
    )
    return ArticleCapabilities(
        can_edit=actor.is_agent and article.status != Status.RETIRED,
        can_vote=actor.user is not None and article.status == Status.PUBLISHED,
        moves=moves,
    )
