"""Outbox consumers: seats freed when a device leaves service.

- ``ci.updated`` (payload ``number``, ``changed``): a CMDB CI edited; when ``status`` is
  among ``changed`` its installations stop counting if it is now retired, and count again
  if it left ``retired``.
- ``cis.updated`` / ``cis.imported`` (payload ``ids``): the CMDB import's batches, the same
  per CI id.
- ``asset.checked_in`` / ``asset.retired`` (the assets app's events, payload ``ci_id`` or
  ``ci``): the asset's device stops counting (docs/software.md "Seats freed").
"""

from __future__ import annotations

from steward.cmdb import selectors as cmdb_selectors
from steward.core import outbox
from steward.core.actor import Actor
from steward.core.models import OutboxMessage
from steward.software import services
from steward.software.choices import FreedBy

ASSET_REASONS = {
    "asset.checked_in": FreedBy.ASSET_CHECKED_IN,
    "asset.retired": FreedBy.ASSET_RETIRED,
}


@outbox.consumer("ci.updated")
def ci_status_changed(message: OutboxMessage) -> None:
    """A CI's status moved: free or restore its seats."""
    if "status" not in (message.payload.get("changed") or []):
        return
    services.seats_sync_for_cis([int(message.object_id)])


@outbox.consumer("cis.updated", "cis.imported")
def cis_imported(message: OutboxMessage) -> None:
    """An import batch may have retired CIs (or brought some back)."""
    services.seats_sync_for_cis(int(i) for i in message.payload.get("ids") or [])


@outbox.consumer("asset.checked_in", "asset.retired")
def asset_event_consumer(message: OutboxMessage) -> None:
    """Free the seats on an asset's CI when it is checked in or retired.

    Input: an ``OutboxMessage`` whose ``topic`` is ``asset.checked_in`` or
    ``asset.retired`` and whose ``payload`` names the asset's CMDB CI as ``ci_id`` (its
    primary key) or ``ci`` (its number, ``CI0000042``). An event without a CI (an asset
    never deployed) frees nothing. Idempotent: a redelivery finds no counting seat left.
    """
    reason = ASSET_REASONS.get(message.topic)
    payload = message.payload or {}
    ci_id = payload.get("ci_id")
    if ci_id is None and payload.get("ci"):
        ci = cmdb_selectors.ci_visible(Actor.system("software")).filter(number=payload["ci"])
        ci_id = ci.values_list("id", flat=True).first()
    if reason is None or ci_id is None:
        return
    services.seats_free_for_device(int(ci_id), reason=reason)
