"""Who may open which SLA page: from ``selectors.sla_capabilities``, never from templates."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.errors import NotFound, PermissionDenied
from steward.sla import selectors
from steward.sla.selectors import SlaCapabilities


def readable(actor: Actor) -> SlaCapabilities:
    """The actor's capabilities; a requester gets the 404 page (SLA configuration is IT's)."""
    can = selectors.sla_capabilities(actor)
    if not can.can_view:
        raise NotFound()
    return can


def editable(actor: Actor, what: str) -> SlaCapabilities:
    """As ``readable``; an agent who is no administrator gets the 403 page with the reason."""
    can = readable(actor)
    if not can.can_edit:
        raise PermissionDenied(f"Only administrators may change {what}.")
    return can
