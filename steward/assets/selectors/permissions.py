"""What the actor may do with an asset: the page draws its buttons and forms from this."""

from __future__ import annotations

from dataclasses import dataclass

from steward.assets.choices import Status
from steward.assets.models import Asset
from steward.assets.selectors.access import can_write
from steward.assets.workflow import ASSET_FLOW
from steward.core.actor import Actor
from steward.core.workflow import Move


@dataclass(frozen=True)
class AssetCapabilities:
    can_edit: bool
    moves: tuple[Move, ...]
    can_check_out: bool
    can_check_in: bool
    can_edit_disposition: bool


def asset_capabilities(actor: Actor, asset: Asset) -> AssetCapabilities:
    """Moves the workflow allows from the asset's state, for those who may write."""
    writer = can_write(actor)
    moves = ASSET_FLOW.moves(asset.status, ASSET_FLOW.allowed(asset.status)) if writer else ()
    open_assignment = asset.assignee_id is not None or asset.location_id is not None
    return AssetCapabilities(
        can_edit=writer and asset.status != Status.DISPOSED,
        moves=moves,
        can_check_out=writer and asset.status in (Status.IN_STOCK, Status.DEPLOYED),
        can_check_in=writer and asset.status == Status.DEPLOYED and open_assignment,
        can_edit_disposition=writer and asset.status == Status.RETIRED,
    )
