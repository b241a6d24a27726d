"""Reads of articles, scoped to what the actor may read.

Requesters read published articles for everyone, of no organisation or of their own;
agents read every article of the organisations they serve (and of none), drafts included;
admins and the system read all. An article the actor may not read is ``NotFound`` (404),
in lists, search and suggestions alike.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import (
    DEFAULT_LIMIT,
    Page,
    cursor_values,
    paginate,
    paginate_ranked,
)
from steward.core.selectors.scoping import scope_to_organisations
from steward.knowledge.choices import Audience, Status
from steward.knowledge.models import Article, ArticleVersion
from steward.knowledge.selectors import search

NUMBER = re.compile(r"KB\d{7}")
ORDER = ("-updated_at", "id")
SUGGESTIONS = 5
FIRST_HITS = 200  # a first page asks the index for this many best hits before all


def _readable_by_requester(actor: Actor) -> Q:
    own_org = Q(organisation__isnull=True)
    if actor.user is not None and actor.user.organisation_id is not None:
        own_org |= Q(organisation_id=actor.user.organisation_id)
    return Q(status=Status.PUBLISHED, audience=Audience.EVERYONE) & own_org


def article_visible(actor: Actor) -> QuerySet[Article]:
    """The articles the actor may read (the rule in this module's docstring)."""
    return scope_to_organisations(
        actor, Article.objects.all(), requester=_readable_by_requester(actor)
    )


def article_editable(actor: Actor) -> QuerySet[Article]:
    """The articles the actor may write, comment and attach to: agents', none for others.
    Attachments and notes on articles are the authors' (targets in apps.py)."""
    if not actor.is_agent:
        return Article.objects.none()
    return article_visible(actor)


def with_relations(qs: QuerySet[Article]) -> QuerySet[Article]:
    return qs.select_related("owner", "category", "organisation")


def _check(status: list[str]) -> None:
    bad = [s for s in status if s not in Status.values]
    if bad:
        raise ValidationFailed.one("status", f"unknown status {bad[0]!r}")


def article_list(
    actor: Actor,
    *,
    q: str = "",
    status: list[str] | None = None,
    category: str = "",
    owner: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of readable articles: ranked by relevance when ``q`` has words (an article
    number finds that article), else the latest changed first."""
    status = status or []
    _check(status)
    qs = article_visible(actor)
    if status:
        qs = qs.filter(status__in=status)
    if category:
        qs = qs.filter(Q(category__slug=category) | Q(category__parent__slug=category))
    if owner:
        qs = qs.filter(owner__username=actor.user.username if owner == "me" else owner)
    q = (q or "").strip()
    if q and NUMBER.fullmatch(q.upper()):
        qs = qs.filter(number=q.upper())
    elif q and search.terms(q):
        return _search_page(qs, q, cursor=cursor, limit=limit)
    return paginate(with_relations(qs), order=ORDER, cursor=cursor, limit=limit)


def _search_page(qs: QuerySet[Article], q: str, *, cursor: str | None, limit: int | None) -> Page:
    """Ranked hits narrowed to ``qs``, best first: three bounded queries. A first page asks
    the index for a few best hits and widens to ``MAX_HITS`` only when too few of them are
    readable (the help centre's search and the suggestions are first pages)."""
    size = DEFAULT_LIMIT if limit is None else limit
    keys: list[tuple[float, int]] = []
    complete = False  # whether the hits asked for are all the index has
    if cursor is None and 1 <= size <= FIRST_HITS // 4:
        hits = search.best_matches(q, limit=FIRST_HITS)
        keys, complete = _readable(qs, hits), len(hits) < FIRST_HITS
    if len(keys) <= size and not complete:
        keys = _readable(qs, search.best_matches(q))
    page_keys, nxt = paginate_ranked(keys, cursor=cursor, limit=limit)
    rows = {
        a.id: a for a in with_relations(Article.objects.filter(id__in=[i for _, i in page_keys]))
    }
    return Page(items=[rows[i] for _, i in page_keys if i in rows], next=nxt)


def _readable(qs: QuerySet[Article], hits: list[tuple[float, int]]) -> list[tuple[float, int]]:
    allowed = set(qs.filter(id__in=[i for _, i in hits]).values_list("id", flat=True))
    return [(r, i) for r, i in hits if i in allowed]


def article_suggest(actor: Actor, *, q: str, limit: int = SUGGESTIONS) -> list[search.Hit]:
    """Published articles the actor may read whose title (or number) matches what is typed,
    best first (the incident and request forms' "these may help"), from three letters on:
    one statement on the small title index, rows of id, number and title. A title of
    several words (not stop-words alone) asks for titles holding any of them, those holding
    more first, so every word's matches still lead: a requester types a sentence, and "VPN
    drops every hour" found nothing, the suggestions "vpn" had shown going away as she
    typed on."""
    words = search.units(q)
    if len(q.strip()) < 3 or not words:
        return []
    several = len(words) > 1 and not search.only_stop_words(words)
    return search.best_rows(q, _published(actor), limit=limit, title_only=True, any_word=several)


def article_best(actor: Actor, *, q: str, limit: int) -> list[search.Hit]:
    """The best few published articles for ``q`` (the help centre's answer): title matches
    first, ranked among themselves, then, if fewer than ``limit``, the rest by the full
    ranking (title ten times the body), then, if still fewer and ``q`` has several words,
    articles matching some of them, those matching more first (a requester types a
    sentence). Stop-words are dropped; hyphened and joined forms meet. One statement when
    the titles answer, two or three when not; rows of id, number and title."""
    words = search.units(q)
    if not words:
        return []
    readable = _published(actor)
    hits = search.best_rows(q, readable, limit=limit, title_only=True)
    # every word, then (several words, not stop-words alone) most of them
    passes = [False] + ([True] if len(words) > 1 and not search.only_stop_words(words) else [])
    for any_word in passes:
        if len(hits) >= limit:
            break
        hits += search.best_rows(
            q,
            readable,
            limit=limit - len(hits),
            title_only=False,
            exclude=tuple(h.id for h in hits),
            any_word=any_word,
        )
    return hits


def article_results(actor: Actor, *, q: str, cursor: str | None, limit: int) -> Page:
    """The help centre's *All results* for ``q``, a page at a time: published articles the
    actor may read holding every word, ranked (``article_list``), then, when ``q`` has
    several words (not stop-words alone), those holding some of them, more words first:
    the fallback ``article_best`` answers with (decision 0087), by the same statement
    (``search.best_rows``), so the longer list never holds less than the short answer.
    That statement runs only for the pages that reach past the every-word matches."""
    words = search.units(q)
    several = len(words) > 1 and not search.only_stop_words(words)
    if not several or NUMBER.fullmatch(q.strip().upper()):
        return article_list(actor, q=q, status=[Status.PUBLISHED], cursor=cursor, limit=limit)
    readable = _published(actor)
    # (0, rank, id): every word; (1, place, id): some of them, in best_rows' order
    keys = [(0, r, i) for r, i in _readable(readable, search.best_matches(q))]
    after = tuple(cursor_values(cursor, 3)) if cursor else None
    left = [k for k in keys if after is None or k > after]
    room = search.MAX_HITS - len(keys)
    if len(left) <= limit and room > 0:
        some = search.best_rows(
            q,
            readable,
            limit=room,
            title_only=False,
            exclude=tuple(i for _, _, i in keys),
            any_word=True,
        )
        keys += [(1, place, hit.id) for place, hit in enumerate(some)]
    if not keys:
        return Page(items=[], next=None)
    page_keys, nxt = paginate_ranked(keys, cursor=cursor, limit=limit)
    rows = {
        a.id: a for a in with_relations(Article.objects.filter(id__in=[k[2] for k in page_keys]))
    }
    return Page(items=[rows[k[2]] for k in page_keys if k[2] in rows], next=nxt)


def _published(actor: Actor) -> QuerySet[Article]:
    return article_visible(actor).filter(status=Status.PUBLISHED)


def article_get(actor: Actor, *, number: str) -> Article:
    """One readable article by number; ``NotFound`` for absent and unreadable alike."""
    article = with_relations(article_visible(actor)).filter(number=number).first()
    if article is None:
        raise NotFound()
    return article


def article_for_update(actor: Actor, *, number: str) -> Article:
    """The article locked for a write (agents only: others find nothing to write)."""
    article = article_editable(actor).select_for_update(of=("self",)).filter(number=number).first()
    if article is None:
        raise NotFound()
    return article


def article_versions(actor: Actor, article: Article) -> list[ArticleVersion]:
    """The published texts, newest first; readers who are not agents see none but the current."""
    if not actor.is_agent:
        return []
    return list(article.versions.select_related("published_by").order_by("-revision")[:100])


def article_version_get(actor: Actor, article: Article, *, revision: int) -> ArticleVersion:
    """One kept text of an article (agents: the history is the authors')."""
    version = article.versions.filter(revision=revision).first() if actor.is_agent else None
    if version is None:
        raise NotFound()
    return version
