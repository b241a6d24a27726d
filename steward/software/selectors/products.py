"""Reads of software products: configuration every agent reads, requesters none."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.software.models import Product
from steward.software.selectors.permissions import can_read

ORDER = ("publisher", "name", "version_family", "id")


def product_visible(actor: Actor) -> QuerySet[Product]:
    """Every product for agents; nothing for requesters (so they get 404s)."""
    qs = Product.objects.all()
    return qs if can_read(actor) else qs.none()


def product_list(
    actor: Actor,
    *,
    q: str = "",
    publisher: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of products by publisher and name; ``q`` matches name, publisher or slug."""
    qs = product_visible(actor)
    if publisher.strip():
        qs = qs.filter(publisher__iexact=publisher.strip())
    for word in q.split()[:4]:
        qs = qs.filter(
            Q(name__icontains=word) | Q(publisher__icontains=word) | Q(slug__icontains=word)
        )
    return paginate(qs, order=ORDER, cursor=cursor, limit=limit)


def product_get(actor: Actor, *, slug: str) -> Product:
    """One product by slug; ``NotFound`` for absent and invisible alike."""
    product = product_visible(actor).filter(slug=slug).first()
    if product is None:
        raise NotFound()
    return product


def product_for_update(actor: Actor, *, slug: str) -> Product:
    product = product_visible(actor).select_for_update().filter(slug=slug).first()
    if product is None:
        raise NotFound()
    return product


def product_suggest(actor: Actor, *, q: str) -> list[Product]:
    """Products whose name, publisher or slug holds every word of ``q`` (a picker)."""
    qs = product_visible(actor)
    for word in q.split()[:4]:
        qs = qs.filter(
            Q(name__icontains=word) | Q(publisher__icontains=word) | Q(slug__icontains=word)
        )
    return list(qs.order_by(*ORDER)[:10])


def product_rules(actor: Actor) -> list[tuple[int, list[str]]]:
    """(id, match rules) of every product with rules: what discovered names are matched on."""
    return [
        (pid, rules)
        for pid, rules in product_visible(actor).values_list("id", "match_rules")
        if rules
    ]
