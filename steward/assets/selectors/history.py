"""The asset page's history: the record kit's timeline of audited changes, newest first."""

from __future__ import annotations

from steward.assets.models import Asset
from steward.core.actor import Actor
from steward.core.selectors.timeline import TimelineEntry, record_timeline


def asset_timeline(actor: Actor, asset: Asset) -> list[TimelineEntry]:
    """Assets carry no comments: the timeline is their audited changes."""
    return record_timeline(actor, asset, comments=[], history=True)
