"""The change list's queues (the tabs of the web list): a page of visible changes in one
queue, built on the permission-scoped ``change_visible`` so nothing here widens what a user
sees."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from steward.changes.choices import QUEUES, Status
from steward.changes.selectors.records import approvals_awaiting, change_filter, change_visible
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.errors import ValidationFailed
from steward.core.pagination import Page, paginate


def change_default_queue(actor: Actor) -> str:
    """The tab the change list opens on without one asked (decision 0092): a change
    manager's work is deciding, so theirs is "Awaiting my approval" while anything waits for
    them and "All" when nothing does; another agent's is "Mine"; a requester's "All" (the
    changes they raised)."""
    if not actor.is_agent:
        return "all"
    if actor.user is not None and actor.user.has_role(Role.CHANGE_MANAGER):
        return "awaiting" if approvals_awaiting(actor) else "all"
    return "mine"


def change_queue(
    actor: Actor,
    *,
    queue: str,
    cursor: str | None = None,
    limit: int | None = None,
    **filters: Any,
) -> Page:
    """A page of visible changes in one of ``QUEUES``, narrowed by the list's filters
    (``change_filter``), newest first, with what a row shows loaded in a fixed number of
    queries."""
    if queue not in QUEUES:
        raise ValidationFailed.one("queue", f"one of {', '.join(QUEUES)}")
    qs = change_visible(actor)
    user = actor.user
    if queue == "mine":
        qs = qs.filter(Q(assignee=user) | Q(requester=user))
    elif queue == "my_teams":
        qs = qs.filter(team__in=user.teams.all()) if user else qs.none()
    elif queue == "awaiting":
        ids = {a.change_id for a in approvals_awaiting(actor)}
        qs = qs.filter(id__in=ids)
    elif queue == "scheduled":
        qs = qs.filter(status=Status.SCHEDULED)
    qs = change_filter(actor, qs, **filters).select_related("requester", "team", "assignee")
    return paginate(qs, order=("-created_at", "-id"), cursor=cursor, limit=limit)
