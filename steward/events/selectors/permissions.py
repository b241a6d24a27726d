"""Who may do what with alerts: agents read and work them, agents with a writing token send
events; requesters see nothing. Pages draw their buttons from here."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.choices import Scope
from steward.core.selectors.scoping import sees_everything


def can_read(actor: Actor) -> bool:
    """Agents (and the roles built on them) read alerts; requesters do not."""
    return actor.is_agent


def can_work(actor: Actor) -> bool:
    """Acknowledge and close alerts, and send events: agents with a writing token (or a
    session, which writes)."""
    return actor.is_agent and actor.has_scope(Scope.WRITE)


def can_change_window(actor: Actor, window) -> bool:  # noqa: ANN001 - a MaintenanceWindow
    """Edit, end or delete this maintenance window: agents who work alerts, except that an
    agent limited to some organisations leaves a window with a node pattern alone (the
    pattern holds every organisation's alerts, decision 0105). The one rule: the page draws
    its buttons from it and the services refuse by it. A window naming a CI of an
    organisation she does not serve never gets here: it is invisible to her
    (``window_visible``), a 404. "Limited" is the scoping rule's (decision 0009,
    ``sees_everything``): an administrator sees every organisation's alerts and windows,
    so she keeps a pattern window as she sees it, whether or not she serves some
    organisations."""
    if not can_work(actor):
        return False
    return not (window.node_pattern and not sees_everything(actor))
