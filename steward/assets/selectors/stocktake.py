"""Stock counts: what was expected where, what was seen, what is missing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from steward.assets.choices import Status
from steward.assets.models import Asset, StockCount
from steward.assets.selectors.access import can_read
from steward.assets.selectors.assets import asset_visible
from steward.core.actor import Actor
from steward.core.errors import NotFound


@dataclass(frozen=True)
class CountReport:
    count: StockCount
    expected: int
    seen: list[Asset]
    missing: list[Asset]


def stock_count_get(actor: Actor, *, count_id: int) -> StockCount:
    count = (
        StockCount.objects.select_related("stock_room", "location").filter(pk=count_id).first()
        if can_read(actor)
        else None
    )
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
