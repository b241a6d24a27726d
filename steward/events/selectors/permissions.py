"""Who may do what with alerts: agents read and work them, agents with a writing token send
events; requesters see nothing. Pages draw their buttons from here."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.choices import Scope


def can_read(actor: Actor) -> bool:
    """Agents (and the roles built on them) read alerts; requesters do not."""
    return actor.is_agent


def can_work(actor: Actor) -> bool:
    """Acknowledge and close alerts, and send events: agents with a writing token (or a
    session, which writes)."""
    return actor.is_agent and actor.has_scope(Scope.WRITE)
