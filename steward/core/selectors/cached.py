"""Users and teams by their keys, kept per process under the stamps that guard them.

A create names its caller, team and assignee by key; reading each was a statement and an
ORM round of its own before the write transaction (issue 13, decision 0061). The rows are
kept per process (``stamps.Keyed``): any save or delete of a user, organisation, token or
role moves ``AUTH``, of a team or its members ``TEAMS`` (steward/core/apps.py), so the
next request in any process reads them afresh.

The cache is of rows, not of visibility: the kept row serves an actor who sees every row
(``sees_everything``) or who is the row themselves; any other actor's lookup is the scoped
query, as before. Each call hands out a copy, so nothing a request sets on a row reaches
another request.
"""

from __future__ import annotations

import copy
from typing import TypeVar

from django.db.models import Model

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.models import Team, User
from steward.core.selectors.scoping import sees_everything

M = TypeVar("M", bound=Model)


def _user(username: str) -> User | None:
    # the organisation joined: the SLA clocks match on its slug (incident_create)
    return User.objects.select_related("organisation").filter(username=username).first()


def _team(slug: str) -> Team | None:
    return Team.objects.filter(slug=slug).first()


def _members(team_id: int) -> list[User]:
    return list(User.objects.filter(teams=team_id, is_active=True).order_by("id"))


_users: stamps.Keyed[str, User | None] = stamps.Keyed((stamps.AUTH,), _user)
_teams: stamps.Keyed[str, Team | None] = stamps.Keyed((stamps.TEAMS,), _team)
# membership moves TEAMS, a member's deactivation AUTH
_active_members: stamps.Keyed[int, list[User]] = stamps.Keyed(
    (stamps.TEAMS, stamps.AUTH), _members, size=256
)


def _own(row: M | None) -> M | None:
    return copy.copy(row) if row is not None else None


def user_by_username(actor: Actor, username: str) -> User | None | bool:
    """The user ``username`` as ``user_visible(actor)`` would find it; ``False`` when the
    kept row cannot answer for this actor (the caller queries instead)."""
    row = _users.get(username)
    if row is None:
        return None if sees_everything(actor) else False
    if sees_everything(actor) or (actor.user is not None and actor.user.pk == row.pk):
        return _own(row)
    return False


def team_by_slug(actor: Actor, slug: str) -> Team | None | bool:
    """The team ``slug`` as ``team_visible(actor)`` would find it; ``False`` as above."""
    if not sees_everything(actor):
        return False
    return _own(_teams.get(slug))


def any_team_by_slug(slug: str) -> Team | None:
    """The team ``slug`` unscoped (routing's service desk)."""
    return _own(_teams.get(slug))


def active_members(team_id: int) -> list[User]:
    """The team's active members by id (the assignment rule's candidates), each a copy."""
    return [copy.copy(user) for user in _active_members.get(team_id)]
