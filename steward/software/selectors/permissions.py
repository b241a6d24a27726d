"""Who may do what with software licensing: administrators and asset managers write,
every agent reads, requesters see nothing. Pages draw their buttons from here."""

from __future__ import annotations

from dataclasses import dataclass

from steward.core.actor import Actor
from steward.core.choices import Role, Scope


def can_read(actor: Actor) -> bool:
    """Agents (and the roles built on them) read the licence position; requesters do not."""
    return actor.is_agent


def can_manage(actor: Actor) -> bool:
    """Administrators, and agents holding the asset manager role with a writing token."""
    if actor.is_admin:
        return True
    return (
        actor.is_agent and actor.user.has_role(Role.ASSET_MANAGER) and actor.has_scope(Scope.WRITE)
    )


@dataclass(frozen=True)
class SoftwareCapabilities:
    """What the software pages offer the actor."""

    can_manage: bool
    can_export: bool


def software_capabilities(actor: Actor) -> SoftwareCapabilities:
    manage = can_manage(actor)
    return SoftwareCapabilities(can_manage=manage, can_export=can_read(actor))
