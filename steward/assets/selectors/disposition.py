"""The disposition report: every disposed asset with its certificate."""

from __future__ import annotations

from django.db.models import QuerySet

from steward.assets.choices import Status
from steward.assets.models import Asset, Disposition
from steward.assets.selectors.assets import asset_visible
from steward.assets.workflow import disposition_missing
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate


def disposition_of(asset: Asset) -> Disposition | None:
    return getattr(asset, "disposition", None)


def custody_steps(disposition: Disposition | None) -> list:
    if disposition is None:
        return []
    return list(disposition.steps.select_related("recorded_by"))


def disposed_assets(actor: Actor) -> QuerySet[Asset]:
    return (
        asset_visible(actor).filter(status=Status.DISPOSED).select_related("model", "disposition")
    )


def disposition_report(
    actor: Actor, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    return paginate(disposed_assets(actor), order=("id",), cursor=cursor, limit=limit)


def disposition_get(actor: Actor, *, number: str) -> Disposition:
    """The asset's disposition record with what it still lacks (``missing``); 404 when the
    asset is invisible or has none (it is opened on retirement)."""
    asset = (
        asset_visible(actor)
        .filter(number=str(number).upper())
        .select_related("disposition")
        .first()
    )
    record = getattr(asset, "disposition", None) if asset is not None else None
    if record is None:
        raise NotFound()
    record.missing = disposition_missing(asset)
    return record
