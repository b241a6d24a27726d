"""Who may read and write assets: administrators and asset managers, nobody else.

Assets are the asset managers' records: requesters and agents without the role see none
(every read answers 404, as for anything invisible, DESIGN §4).
"""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.choices import Role, Scope


def can_read(actor: Actor) -> bool:
    if actor.is_system or actor.is_admin:
        return True
    return actor.is_agent and actor.user.has_role(Role.ASSET_MANAGER)


def can_write(actor: Actor) -> bool:
    return can_read(actor) and actor.has_scope(Scope.WRITE)
