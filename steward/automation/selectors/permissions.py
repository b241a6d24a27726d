"""Who may do what with automation rules: administrators write them; agents read them (to
see why an incident went where it went); requesters see nothing (404s)."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.choices import Scope


def can_read(actor: Actor) -> bool:
    return actor.is_agent


def can_write(actor: Actor) -> bool:
    """Administrators (a token with the admin scope; ``is_admin`` says so)."""
    return actor.is_admin and actor.has_scope(Scope.ADMIN)
