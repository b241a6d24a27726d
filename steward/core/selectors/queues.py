"""Filters every work queue shares: by status, team, assignee and priority, and the teams an
agent belongs to. Each app's ``<entity>_list`` validates its own values and then calls these,
so "assignee=me" and "my teams" mean the same thing in every list.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.models import Team

M = TypeVar("M", bound=models.Model)


# user id -> (teams stamp when read, the ids of that user's teams): memberships move the
# stamp like the teams themselves (steward/core/apps.py), so every process reads them again
_memberships: dict[int, tuple[int, tuple[int, ...]]] = {}
stamps.also_forget(_memberships.clear)


def my_team_ids(actor: Actor) -> list[int]:
    """The ids of the teams the actor is a member of (none for the system); read once per
    process and user until a team or a membership changes (the ``teams`` stamp)."""
    if actor.user is None:
        return []
    user_id = actor.user.pk
    version = stamps.current()[stamps.TEAMS]
    seen = _memberships.get(user_id)
    if seen is None or seen[0] != version:
        # ids first: a join through the membership table defeats the queue indexes
        ids = Team.members.through.objects.filter(user_id=user_id).values_list("team_id")
        if len(_memberships) >= 10_000:
            _memberships.clear()
        seen = _memberships[user_id] = (version, tuple(team for (team,) in ids))
    return list(seen[1])


def filter_work(
    actor: Actor,
    qs: QuerySet[M],
    *,
    status: list[str] | None = None,
    team: str = "",
    assignee: str = "",
    priority: list[int] | None = None,
) -> QuerySet[M]:
    """Narrow a queue: statuses, a team by slug, an assignee by username (``me``: the
    actor), priorities; an empty value filters nothing."""
    if status:
        qs = qs.filter(status__in=status)
    if team:
        qs = qs.filter(team__slug=team)
    if assignee:
        user_id = actor.user.pk if actor.user else None
        qs = (
            qs.filter(assignee_id=user_id)
            if assignee == "me"
            else qs.filter(assignee__username=assignee)
        )
    if priority:
        qs = qs.filter(priority__in=priority)
    return qs
