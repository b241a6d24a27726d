"""Stock counts: what was expected where, what was seen, what is missing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from steward.assets.choices import Status
from steward.assets.models import Asset, StockCount
from steward.assets.selectors.access import can_read
from steward.assets.selectors.assets import asset_visible
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound


@dataclass(frozen=True)
class CountReport:
    count: StockCount
    expected: int
    seen: list[Asset]
    missing: list[Asset]


def stock_count_visible(actor: Actor) -> QuerySet[StockCount]:
    """Counts of a stock room, and of a location the actor may see: a count at another
    organisation's site is as absent (it named the site, and its page closed it)."""
    if not can_read(actor):
        return StockCount.objects.none()
    sites = core_selectors.location_visible(actor).values("pk")
    return StockCount.objects.filter(Q(location__isnull=True) | Q(location__in=sites))


def stock_count_get(actor: Actor, *, count_id: int) -> StockCount:
    count = (
        stock_count_visible(actor)
        .select_related("stock_room", "location")
        .filter(pk=count_id)
        .first()
    )
    if count is None:
        raise NotFound()
    return count


def stock_count_for_update(actor: Actor, *, count_id: int) -> StockCount:
    """A visible count, locked for a scan or its close; ``NotFound`` otherwise."""
    count = stock_count_visible(actor).select_for_update().filter(pk=count_id).first()
    if count is None:
        raise NotFound()
    return count


def _expected(actor: Actor, count: StockCount) -> QuerySet[Asset]:
    """A stock room holds its assets in stock; a location its assets in use there."""
    qs = asset_visible(actor).select_related("model")
    if count.stock_room_id:
        return qs.filter(stock_room_id=count.stock_room_id, status=Status.IN_STOCK)
    return qs.filter(location_id=count.location_id).exclude(
        status__in=(Status.RETIRED, Status.DISPOSED, Status.ON_ORDER)
    )


def stock_count_report(actor: Actor, *, count_id: int) -> CountReport:
    count = stock_count_get(actor, count_id=count_id)
    expected = list(_expected(actor, count).order_by("asset_tag"))
    seen_ids = set(count.seen.values_list("asset_id", flat=True))
    seen = list(asset_visible(actor).filter(pk__in=seen_ids).select_related("model"))
    missing = [a for a in expected if a.pk not in seen_ids]
    return CountReport(count, len(expected), sorted(seen, key=lambda a: a.asset_tag), missing)
