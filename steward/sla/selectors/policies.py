"""Reads of SLA policies: the visible ones, and which policy applies to a record."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from steward.core import selectors as core_selectors
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Organisation
from steward.core.pagination import Page, paginate
from steward.sla.models import SlaPolicy

# context key → policy field holding the accepted values
CONDITIONS = {
    "priority": "priorities",
    "category": "categories",
    "service": "services",
    "organisation": "organisations",
}


def policy_visible(actor: Actor) -> QuerySet[SlaPolicy]:
    """Agents read policies, requesters do not; an agent limited to some organisations sees
    the general ones and those for an organisation it serves (a customer's SLA is theirs)."""
    qs = SlaPolicy.objects.all()
    if not actor.is_agent:
        return qs.none()
    served = core_selectors.served_organisation_ids(actor)
    if served is None:
        return qs
    slugs = set(Organisation.objects.filter(id__in=served).values_list("slug", flat=True))
    # Policies are few (tens): matching the JSON lists here works on SQLite and PostgreSQL.
    ids = [
        pk
        for pk, organisations in SlaPolicy.objects.values_list("id", "organisations")
        if not organisations or slugs.intersection(organisations)
    ]
    return qs.filter(id__in=ids)


def policy_list(
    actor: Actor,
    *,
    q: str = "",
    calendar: str = "",
    is_active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of policies in the order they are tried (precedence, then id)."""
    qs = policy_visible(actor).select_related("calendar")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    if calendar:
        qs = qs.filter(calendar__slug=calendar)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return paginate(qs, order=("precedence", "id"), cursor=cursor, limit=limit)


def policy_get(actor: Actor, *, slug: str, for_update: bool = False) -> SlaPolicy:
    """One visible policy; locked when ``for_update``."""
    qs = policy_visible(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    policy = qs.select_related("calendar").filter(slug=slug).first()
    if policy is None:
        raise NotFound()
    return policy


def policy_matches(policy: SlaPolicy, context: Mapping[str, Any]) -> bool:
    """Every non-empty condition list must contain the context's value for its key, or one
    of its values when it has several (an incident's category and its subcategory)."""
    for key, field in CONDITIONS.items():
        accepted = getattr(policy, field)
        if not accepted:
            continue
        value = context.get(key)
        values = value if isinstance(value, list | tuple | set | frozenset) else (value,)
        if not any(v in accepted for v in values):
            return False
    return True


def _load_active() -> list[SlaPolicy]:
    policies = SlaPolicy.objects.filter(is_active=True).select_related("calendar")
    return list(policies.order_by("precedence", "id"))


# per process, reloaded when a policy or calendar changes (they bump the stamp: apps.py)
_active = stamps.Versioned(stamps.SLA_CONFIG, _load_active)


def policy_for(context: Mapping[str, Any]) -> SlaPolicy | None:
    """The first active policy by precedence whose conditions match ``context``.

    ``context`` keys: ``priority`` (1-5), ``category``, ``service``, ``organisation`` (slug).
    A copy: the cached instance is shared by every request of the process.
    """
    policy = next((p for p in _active.get() if policy_matches(p, context)), None)
    return copy.copy(policy) if policy is not None else None
