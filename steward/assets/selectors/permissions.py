"""What the actor may do with an asset: the page draws its buttons and forms from this."""

from __future__ import annotations

from dataclasses import dataclass

from steward.assets.choices import Status
from steward.assets.models import Asset, Assignment
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
    """Moves the workflow allows from the asset's state, for those who may write. Deploying
    is the check-out form's (it asks to whom or where): no bare "Deploy" button, and "Back
    from repair" only while the asset's check-out is still open."""
    writer = can_write(actor)
    targets = ASSET_FLOW.allowed(asset.status) if writer else []
    # in stock, nothing is checked out (a check-out deploys, a check-in ends it): no query
    if Status.DEPLOYED in targets and (asset.status == Status.IN_STOCK or not checked_out(asset)):
        targets = [t for t in targets if t != Status.DEPLOYED]
    moves = ASSET_FLOW.moves(asset.status, targets) if writer else ()
    open_assignment = asset.assignee_id is not None or asset.location_id is not None
    return AssetCapabilities(
        can_edit=writer and asset.status != Status.DISPOSED,
        moves=moves,
        can_check_out=writer and asset.status in (Status.IN_STOCK, Status.DEPLOYED),
        can_check_in=writer and asset.status == Status.DEPLOYED and open_assignment,
        can_edit_disposition=writer and asset.status == Status.RETIRED,
    )


def checked_out(asset: Asset) -> bool:
    """True while the asset has an open check-out (to a person and/or a location)."""
    return Assignment.objects.filter(asset=asset, checked_in_at__isnull=True).exists()
