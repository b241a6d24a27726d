"""References to core rows that every app's services resolve the same way: an
organisation, an active team the actor may see, an active user the actor may see (an agent
where the record needs one to work on it). Absent and invisible are the same 422 naming the
field."""

from __future__ import annotations

from typing import Any

from steward.core import selectors
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.services.common import resolve_ref


def resolve_organisations(actor: Actor, values: dict[str, Any]) -> None:
    """Turn ``values["organisation"]`` (a slug), when given, into an organisation the actor
    may see, or a 422 naming the field."""
    if "organisation" in values:
        values["organisation"] = resolve_ref(
            selectors.organisation_visible(actor),
            "organisation",
            values["organisation"],
            key="slug",
            label="organisation",
        )


def active_team(actor: Actor, field: str, slug: Any) -> Any:
    """An active team by slug (``None`` for an empty value)."""
    return resolve_ref(
        selectors.team_visible(actor).filter(is_active=True),
        field,
        slug,
        key="slug",
        label="team",
    )


def active_user(actor: Actor, field: str, username: Any, *, agent: bool = False) -> Any:
    """An active user by username (``None`` for an empty value); ``agent``: only an agent."""
    user = resolve_ref(
        selectors.user_visible(actor).filter(is_active=True),
        field,
        username,
        key="username",
        label="user",
    )
    if agent and user is not None and not user.is_agent:
        raise ValidationFailed.one(field, "is not an agent")
    return user
