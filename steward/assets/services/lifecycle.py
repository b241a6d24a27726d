"""What a status move does besides the status: deploy links the CI, a return to stock or a
retirement (from a deployment or a repair) closes the open check-out, retiring opens the
disposition record, disposal completes it. A deployed asset is always with someone or
somewhere: it is deployed by a check-out (to a person, a location or both), and comes back
from repair deployed only while its check-out is still open. Events for other apps (the
software app frees licence seats on them): ``asset.checked_in``, ``asset.retired``,
``asset.disposed``, each with the asset number and its CI (docs/assets.md)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets.choices import Status
from steward.assets.models import Asset, Assignment, Disposition
from steward.assets.selectors import checked_out
from steward.assets.services.deploy import link_ci
from steward.assets.workflow import ASSET_FLOW
from steward.core import outbox
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed


def event_payload(asset: Asset) -> dict[str, Any]:
    ci = asset.configuration_item if asset.configuration_item_id else None
    return {
        "number": asset.number,
        "asset_tag": asset.asset_tag,
        "ci_id": asset.configuration_item_id,
        "ci": ci.number if ci is not None else None,
    }


def close_assignment(actor: Actor, asset: Asset) -> bool:
    """End the open check-out (if any) and clear who and where; True when one was open."""
    closed = Assignment.objects.filter(asset=asset, checked_in_at__isnull=True).update(
        checked_in_at=timezone.now(), checked_in_by=actor.user
    )
    asset.assignee = None
    asset.location = None
    return bool(closed)


def move(actor: Actor, asset: Asset, target: str, *, holder: bool = False) -> list[str]:
    """Check and apply the move on ``asset`` (not saved); returns the events to emit after
    the save, so they carry the saved values. ``holder``: the caller is checking the asset
    out (to a person or a location), so a deployment says with whom or where."""
    ASSET_FLOW.check(asset, target=target, data={})
    if target == Status.DEPLOYED and not holder and not checked_out(asset):
        # "Deploy" alone left an asset deployed with no person and no location
        raise ValidationFailed.one(
            "person",
            _(
                "a deployed asset is with a person or at a location: check it out to one "
                "(the check-out deploys it)"
            ),
        )
    source, events = asset.status, []
    asset.status = target
    if target == Status.DEPLOYED:
        link_ci(actor, asset)
        asset.stock_room = None
    # a laptop sent to repair stays with its person; back to stock or retired from there,
    # it leaves her as a deployed one does (it read "Assigned to" her after its retirement)
    held = source == Status.DEPLOYED or (source == Status.IN_REPAIR and asset.assignee_id)
    if held and target in (Status.IN_STOCK, Status.RETIRED):
        close_assignment(actor, asset)
        events.append("asset.checked_in")
    if target == Status.RETIRED:
        Disposition.objects.get_or_create(asset=asset)
        events.append("asset.retired")
    if target == Status.DISPOSED:
        Disposition.objects.filter(asset=asset).update(completed_at=timezone.now())
        events.append("asset.disposed")
    return events


def emit(asset: Asset, events: list[str]) -> None:
    for topic in events:
        outbox.emit(topic, asset, **event_payload(asset))
