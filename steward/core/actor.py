"""Who is acting, and through which channel: passed explicitly to every service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from steward.core.choices import Channel, Scope

if TYPE_CHECKING:
    from steward.core.models import User


@dataclass(frozen=True)
class Actor:
    """A user (or the system) acting through a channel; tokens narrow what the user may do."""

    user: User | None
    channel: str = Channel.WEB
    scopes: frozenset[str] | None = None  # None: the user's full rights (session, system)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    system_name: str = ""

    @classmethod
    def system(cls, name: str) -> Actor:
        """The worker or a command acting on its own account."""
        return cls(user=None, channel=Channel.SYSTEM, system_name=name)

    @property
    def is_system(self) -> bool:
        return self.user is None

    @property
    def label(self) -> str:
        return f"system:{self.system_name}" if self.user is None else self.user.username

    def has_scope(self, scope: str) -> bool:
        """Token scopes only narrow; ``admin`` implies ``write`` implies ``read``."""
        if self.scopes is None:
            return True
        implied = {
            Scope.ADMIN: {Scope.ADMIN, Scope.WRITE, Scope.READ},
            Scope.WRITE: {Scope.WRITE, Scope.READ},
            Scope.READ: {Scope.READ},
        }
        return any(scope in implied.get(s, {s}) for s in self.scopes)

    @property
    def is_admin(self) -> bool:
        if self.user is None:
            return True
        return bool(self.user.is_superuser or self.user.has_role("admin")) and self.has_scope(
            Scope.ADMIN
        )

    @property
    def is_agent(self) -> bool:
        """Agents (and the roles built on them) work records; requesters only raise them."""
        if self.user is None:
            return True
        return self.is_admin or self.user.is_agent
