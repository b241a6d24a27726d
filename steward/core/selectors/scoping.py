"""Organisation scoping: the one rule for which records of which organisations an actor reads.

Every domain selector's ``<entity>_visible`` starts from ``scope_to_organisations``:

- the system and administrators (``actor.is_admin``) see every row;
- agents not limited to organisations (no served organisations, or a superuser) see every row;
- agents limited to organisations see rows of those organisations and rows of no organisation
  (IT's own); ``field`` may name several paths, and the row must pass on each of them;
- requesters see what ``requester`` allows, nothing when it is ``None``.

What each app passes (so the next wave switches them over without changing behaviour):

- ``incidents.incident_visible``: ``field="organisation"``, ``requester="caller"``.
- ``problems.problem_visible``: ``field="organisation"``, ``requester=None``.
- ``changes.change_visible``: ``field="organisation"``, ``requester="requester"``.
- ``cmdb.ci_visible``: ``field="organisation"``, ``requester=None``.
- ``cmdb.relationship_visible``: ``field=("source__organisation", "target__organisation")``,
  ``requester=None`` (both ends must be visible).
- ``core.team_visible``: ``field="organisation"``, ``requester=None``.
- ``core.user_visible``: ``field="organisation"``, ``requester="id"`` (themselves),
  ``agent_also=Q(id=actor.user.id)`` (a limited agent always sees themselves).

``core: organisation_visible`` is not a record scope (it filters organisations themselves, and
an admin limited to organisations stays limited there), so it keeps its own three lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from steward.core.actor import Actor

M = TypeVar("M", bound=models.Model)


def served_organisation_ids(actor: Actor) -> list[int] | None:
    """Organisations an agent is limited to; ``None`` when unrestricted."""
    if actor.is_system or actor.user.is_superuser:
        return None
    cached = getattr(actor.user, "_served_org_ids", None)
    if cached is None:
        cached = list(actor.user.served_organisations.values_list("id", flat=True))
        actor.user._served_org_ids = cached
    return cached or None


def owned_by(actor: Actor, field: str) -> Q:
    """Rows whose ``field`` (a user foreign key, or ``id`` on users) is the actor."""
    lookup = field if field == "id" else f"{field}_id"
    return Q(**{lookup: actor.user.pk})


def in_served_organisations(served: Sequence[int], field: str = "organisation") -> Q:
    """Rows of the served organisations, or of no organisation (IT's own)."""
    return Q(**{f"{field}_id__in": served}) | Q(**{f"{field}__isnull": True})


def scope_to_organisations(
    actor: Actor,
    queryset: QuerySet[M],
    *,
    field: str | Sequence[str] = "organisation",
    requester: str | Q | None = None,
    agent_also: Q | None = None,
) -> QuerySet[M]:
    """The rows of ``queryset`` the actor may read, by the organisation rule above.

    ``requester`` is the field naming a row's owner (``"caller"``), a ``Q``, or ``None``.
    """
    if actor.is_system or actor.is_admin:
        return queryset
    if not actor.is_agent:
        if requester is None:
            return queryset.none()
        return queryset.filter(
            owned_by(actor, requester) if isinstance(requester, str) else requester
        )
    served = served_organisation_ids(actor)
    if served is None:
        return queryset
    paths = (field,) if isinstance(field, str) else tuple(field)
    allowed = [in_served_organisations(served, path) for path in paths]
    if agent_also is not None:
        combined = allowed[0]
        for extra in allowed[1:]:
            combined &= extra
        return queryset.filter(combined | agent_also)
    return queryset.filter(*allowed)


def sees_everything(actor: Actor) -> bool:
    """Whether ``scope_to_organisations`` leaves every row to the actor."""
    if actor.is_system or actor.is_admin:
        return True
    return actor.is_agent and served_organisation_ids(actor) is None


def follow_visible(actor: Actor, queryset: QuerySet[M], links: dict[str, QuerySet]) -> QuerySet[M]:
    """``queryset`` with forward foreign keys ``links`` (name: the rows of that table the
    actor may see) loaded for display: a linked row the actor may not see reads as ``None``,
    so a page or an API answer never names it. Joined for whoever sees everything; else one
    query per link (none at all for a link whose visible rows are none)."""
    if sees_everything(actor):
        return queryset.select_related(*links)
    return queryset.prefetch_related(
        *(Prefetch(name, queryset=visible) for name, visible in links.items())
    )
