"""References to core rows that every app's services resolve the same way: an
organisation, an active team the actor may see, an active user the actor may see (an agent
where the record needs one to work on it). Absent and invisible are the same 422 naming the
field."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

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


def refuse_unserved(actor: Actor, field: str, organisation_id: int | None) -> None:
    """A record an agent limited to organisations makes is of one they serve or of none: a
    422 naming ``field`` (the person whose organisation it takes) otherwise. Every other
    person they may name is of those, so this is the agent herself, of an organisation she
    does not serve: the record would be one she could not read (a 404 after its 201), and
    its answer would show another organisation's numbering and policies."""
    if organisation_id is None or not actor.is_agent or selectors.sees_everything(actor):
        return
    if organisation_id not in (selectors.served_organisation_ids(actor) or ()):
        raise ValidationFailed.one(
            field, _("of an organisation you do not serve: name a person of one you serve")
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


def not_in_team(team: Any) -> ValidationFailed:
    """The 422 for an assignee who is not one of ``team``'s members: the field is
    ``assignee``, the message names the team as people know it (its name, not its slug) and
    reads as a sentence where it is shown alone (the queue's bulk refusals)."""
    return ValidationFailed(
        {"assignee": [_("is not a member of the team %(team)s") % {"team": team.name}]},
        message=_("The assignee is not a member of the team %(team)s.") % {"team": team.name},
    )
