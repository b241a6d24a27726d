"""What the actor may do with an asset: the page draws its buttons and forms from this."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from steward.assets.choices import Status
from steward.assets.models import Asset, Assignment
from steward.assets.selectors.access import can_write
from steward.assets.workflow import ASSET_FLOW, disposition_missing
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
    # whether a check-out is open, read once for the moves and for Check out (in stock,
    # nothing is: a check-out deploys, a check-in ends it; no query)
    held = (
        writer
        and asset.status != Status.IN_STOCK
        and (asset.status == Status.DEPLOYED or Status.DEPLOYED in targets)
        and checked_out(asset)
    )
    if Status.DEPLOYED in targets and not held:
        targets = [t for t in targets if t != Status.DEPLOYED]
    if Status.DISPOSED in targets and disposition_missing(asset):
        # "Dispose" once the record is complete, as the guide says: it was offered at once
        # after "Retire" and refused on the click (walk42); the card lists what it lacks
        targets = [t for t in targets if t != Status.DISPOSED]
    moves = ASSET_FLOW.moves(asset.status, targets) if writer else ()
    open_assignment = asset.assignee_id is not None or asset.location_id is not None
    return AssetCapabilities(
        can_edit=writer and asset.status != Status.DISPOSED,
        moves=moves,
        can_check_out=writer and check_out_refusal(asset, held=held) is None,
        can_check_in=writer and asset.status == Status.DEPLOYED and open_assignment,
        can_edit_disposition=writer and asset.status == Status.RETIRED,
    )


def checked_out(asset: Asset) -> bool:
    """True while the asset has an open check-out (to a person and/or a location); from the
    check-out history where it is loaded already (``asset_get``: the page), else one query."""
    history = getattr(asset, "_prefetched_objects_cache", {}).get("assignments")
    if history is not None:
        return any(a.checked_in_at is None for a in history)
    return Assignment.objects.filter(asset=asset, checked_in_at__isnull=True).exists()


# The states a check-out may start from (an asset in stock is deployed by it).
CHECK_OUT_FROM = (Status.IN_STOCK, Status.DEPLOYED)


def check_out_refusal(asset: Asset, *, held: bool | None = None) -> str | None:
    """Why the asset cannot be checked out now, or ``None``: its state, or a check-out still
    open. The one rule of the service (which raises it as a 409) and of the page (which
    offers "Check out" only where it is ``None``), so the two cannot drift. ``held``: whether
    a check-out is open, when the caller has read it already (else read here, where the state
    allows a check-out at all)."""
    if asset.status not in CHECK_OUT_FROM:
        return _("An asset %(value)s cannot be checked out.") % {
            "value": asset.get_status_display().lower()
        }
    if checked_out(asset) if held is None else held:
        return _("The asset is checked out: check it in first.")
    return None
