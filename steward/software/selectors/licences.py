"""Reads of licences, scoped by their optional organisation like every record."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations
from steward.software.models import Licence
from steward.software.selectors.permissions import can_read

NUMBER = re.compile(r"LIC\d{7}")


def licence_visible(actor: Actor) -> QuerySet[Licence]:
    """Agents see licences of the organisations they serve and of none; requesters none."""
    qs = scope_to_organisations(actor, Licence.objects.all())
    return qs if can_read(actor) else qs.none()


def licence_list(
    actor: Actor,
    *,
    product: str = "",
    metric: str = "",
    term: str = "",
    vendor: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible licences, newest first."""
    qs = licence_visible(actor)
    if product:
        qs = qs.filter(product__slug=product)
    if metric:
        qs = qs.filter(metric=metric)
    if term:
        qs = qs.filter(term=term)
    if vendor.strip():
        qs = qs.filter(vendor__icontains=vendor.strip())
    q = q.strip()
    if q and NUMBER.fullmatch(q.upper()):
        qs = qs.filter(number=q.upper())
    elif q:
        qs = qs.filter(purchase_order__icontains=q)
    qs = qs.select_related("product", "organisation")
    return paginate(qs, order=("-id",), cursor=cursor, limit=limit)


def licence_get(actor: Actor, *, number: str) -> Licence:
    """One visible licence; ``NotFound`` for absent and invisible alike."""
    licence = (
        licence_visible(actor)
        .select_related("product", "organisation")
        .filter(number=number.upper())
        .first()
    )
    if licence is None:
        raise NotFound()
    return licence


def licence_for_update(actor: Actor, *, number: str) -> Licence:
    licence = (
        licence_visible(actor)
        .select_for_update(of=("self",))
        .select_related("product")
        .filter(number=number.upper())
        .first()
    )
    if licence is None:
        raise NotFound()
    return licence


def product_licences(actor: Actor, product_id: int) -> list[Licence]:
    """A product's visible licences for its page, newest term first (a handful)."""
    return list(
        licence_visible(actor)
        .filter(product_id=product_id)
        .select_related("organisation")
        .order_by("-start_date", "-id")[:200]
    )
