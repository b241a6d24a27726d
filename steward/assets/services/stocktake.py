"""Stock-taking: start a count for a stock room or location, mark scanned tags as seen,
and report what was expected but not seen."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets import selectors
from steward.assets.models import Asset, StockCount, StockCountSeen, StockRoom
from steward.assets.services.assets import require_write
from steward.assets.services.validation import ref
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import Conflict, ValidationFailed


@transaction.atomic
def stock_count_start(actor: Actor, *, stock_room: str = "", location: Any = None) -> StockCount:
    require_write(actor)
    room = ref(StockRoom.objects.all(), "stock_room", stock_room, key="slug", label="stock room")
    where = ref(
        core_selectors.location_visible(actor), "location", location, key="pk", label="location"
    )
    if room is None and where is None:
        raise ValidationFailed.one("stock_room", _("a stock room or a location"))
    return StockCount.objects.create(stock_room=room, location=where, started_by=actor.user)


def _count(actor: Actor, count_id: int) -> StockCount:
    require_write(actor)
    count = selectors.stock_count_for_update(actor, count_id=count_id)
    if count.closed_at is not None:
        raise Conflict(_("This count is closed."))
    return count


@transaction.atomic
def stock_count_scan(actor: Actor, *, count_id: int, tag: str) -> Asset:
    """Mark the asset with this tag seen (scanning twice is fine)."""
    count = _count(actor, count_id)
    asset = selectors.asset_by_tag(actor, tag=str(tag or ""))
    if asset is None:
        raise ValidationFailed.one("tag", _("no asset with tag %(tag)s") % {"tag": repr(tag)})
    try:
        with transaction.atomic():
            StockCountSeen.objects.create(count=count, asset=asset)
    except IntegrityError:
        pass  # seen already
    return asset


@transaction.atomic
def stock_count_close(actor: Actor, *, count_id: int) -> StockCount:
    count = _count(actor, count_id)
    count.closed_at = timezone.now()
    count.save(update_fields=["closed_at"])
    return count
