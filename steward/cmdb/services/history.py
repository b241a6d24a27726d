"""Writing a relationship's creation or removal onto both its CIs' history (called by the
services, inside their transaction), so each CI's past is one range of the audit index; see
``selectors/history.py`` for why and for the reads."""

from __future__ import annotations

from typing import Any

from steward.cmdb.models import Relationship
from steward.cmdb.selectors.history import LINK
from steward.core import audit
from steward.core.actor import Actor


def link_of(relationship: Relationship) -> dict[str, Any]:
    """What a relationship entry on a CI records: enough to redraw the link."""
    return {
        "id": relationship.pk,
        "type": relationship.type.slug,
        "source": relationship.source.number,
        "target": relationship.target.number,
    }


def record_link(actor: Actor, relationship: Relationship, *, added: bool) -> None:
    """Note a relationship's creation or removal on both its CIs."""
    link = link_of(relationship)
    before, after = (None, link) if added else (link, None)
    for ci in (relationship.source, relationship.target):
        audit.record(actor, ci, before={LINK: before}, after={LINK: after})
