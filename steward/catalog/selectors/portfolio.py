"""Reads of services and catalogue items: who may see and who may order what.

Services and items are published to everyone signed in (a retired service and an inactive
item are for agents); ordering is narrower: the item's audience (everyone, some
organisations, some roles).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from steward.catalog.choices import ApproverKind, Audience, Stage
from steward.catalog.models import CatalogItem, Service
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import User
from steward.core.pagination import Page, paginate


def service_visible(actor: Actor) -> QuerySet[Service]:
    """Everyone reads the live portfolio; agents also the pipeline and retired services."""
    qs = Service.objects.all()
    return qs if actor.is_agent else qs.filter(stage=Stage.LIVE)


def service_list(
    actor: Actor,
    *,
    stage: str = "",
    kind: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of services by name."""
    qs = service_visible(actor).select_related("owner", "support_team", "configuration_item")
    if stage:
        qs = qs.filter(stage=stage)
    if kind:
        qs = qs.filter(kind=kind)
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return paginate(qs, order=("name", "id"), cursor=cursor, limit=limit)


def service_get(actor: Actor, *, slug: str, for_update: bool = False) -> Service:
    """One visible service by slug; ``NotFound`` for absent and invisible alike."""
    qs = service_visible(actor).select_related(
        "owner", "support_team", "configuration_item", "sla_policy"
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    service = qs.filter(slug=slug).first()
    if service is None:
        raise NotFound()
    return service


def item_orderable(actor: Actor) -> QuerySet[CatalogItem]:
    """The active items the actor may order (administrators: every active item)."""
    qs = CatalogItem.objects.filter(is_active=True)
    if actor.is_system or actor.is_admin:
        return qs
    user = actor.user
    roles = Q(pk__in=[])
    for role in sorted(user.role_names):
        # a role name is one of core's Role values; JSON "contains" on a list differs by
        # database, so the match is done on the stored text, quoted
        roles |= Q(audience_roles__icontains=f'"{role}"')
    org = Q(audience_organisations=user.organisation_id) if user.organisation_id else Q(pk__in=[])
    allowed = (
        Q(audience=Audience.EVERYONE)
        | (Q(audience=Audience.ORGANISATIONS) & org)
        | (Q(audience=Audience.ROLES) & roles)
    )
    return qs.filter(pk__in=CatalogItem.objects.filter(allowed).values("pk"))


def may_order(actor: Actor, item: CatalogItem, organisations: frozenset[int]) -> bool:
    """``item_orderable``'s rule for one item in hand (its audience organisations' ids
    given): active, and the actor is in its audience (administrators: always)."""
    if not item.is_active:
        return False
    if actor.is_system or actor.is_admin or item.audience == Audience.EVERYONE:
        return True
    user = actor.user
    if item.audience == Audience.ORGANISATIONS:
        return user.organisation_id is not None and user.organisation_id in organisations
    if item.audience == Audience.ROLES:
        return bool(user.role_names & set(item.audience_roles or []))
    return False


@dataclass(frozen=True)
class OrderableItem:
    """An item as ordering reads it, cached per process: the item with its service and the
    service's owner, its audience organisations, and the approvers of its stages that name
    people (``users``), by stage index."""

    item: CatalogItem
    organisations: frozenset[int]
    named_approvers: dict[int, list[User]]


def _load_for_order(slug: str) -> OrderableItem | None:
    item = (
        CatalogItem.objects.select_related("service__owner")
        .prefetch_related("audience_organisations")
        .filter(slug=slug)
        .first()
    )
    if item is None:
        return None
    stages = {
        i: stage.get("users") or []
        for i, stage in enumerate(item.approval_stages)
        if stage.get("approvers") == ApproverKind.USERS
    }
    names = sorted({name for users in stages.values() for name in users})
    people = (
        list(
            User.objects.filter(username__in=names, is_active=True)
            .only("pk", "username")
            .order_by("pk")
        )
        if names
        else []
    )
    named = {i: [u for u in people if u.username in set(users)] for i, users in stages.items()}
    orgs = frozenset(o.pk for o in item.audience_organisations.all())
    return OrderableItem(item=item, organisations=orgs, named_approvers=named)


# slug → (auth stamp, item): reloaded when an item or service changes (catalogue stamp) or
# when a user does (auth stamp: the service owner, the named approvers)
_for_order: stamps.Versioned[dict[str, tuple[int, OrderableItem | None]]] = stamps.Versioned(
    stamps.CATALOG_CONFIG, dict
)
_fill = threading.Lock()


def item_for_order(actor: Actor, *, slug: str) -> OrderableItem:
    """The item ``slug`` if the actor may order it, from the process's cache (one load per
    item and change); ``ValidationFailed`` naming ``item`` otherwise. Read-only: callers
    never change the cached rows."""
    auth = stamps.current()[stamps.AUTH]
    cached = _for_order.get()
    entry = cached.get(slug)
    if entry is None or entry[0] != auth:
        entry = (auth, _load_for_order(slug))
        with _fill:
            if len(cached) >= MAX_CACHED_ITEMS:
                cached.clear()
            cached[slug] = entry
    found = entry[1]
    if found is None or not may_order(actor, found.item, found.organisations):
        raise ValidationFailed.one("item", "no item you may order by this name")
    return found


MAX_CACHED_ITEMS = 2000  # a catalogue's orderable items; beyond, the cache starts again


def item_visible(actor: Actor) -> QuerySet[CatalogItem]:
    """Agents read every item (to support and configure them); others those they may order."""
    if actor.is_agent:
        return CatalogItem.objects.all()
    return item_orderable(actor)


def item_list(
    actor: Actor,
    *,
    category: str = "",
    service: str = "",
    q: str = "",
    orderable: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of items by category, then name."""
    qs = item_orderable(actor) if orderable else item_visible(actor)
    if category:
        qs = qs.filter(category=category)
    if service:
        qs = qs.filter(service__slug=service)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(description__icontains=q.strip()))
    qs = qs.select_related("service", "sla_policy")
    return paginate(qs, order=("category", "name", "id"), cursor=cursor, limit=limit)


def item_get(actor: Actor, *, slug: str, for_update: bool = False) -> CatalogItem:
    """One visible item by slug; ``NotFound`` for absent and invisible alike."""
    qs = item_visible(actor).select_related("service__owner", "sla_policy")
    if for_update:
        qs = CatalogItem.objects.select_for_update(of=("self",)).filter(pk__in=qs.values("pk"))
    item = qs.filter(slug=slug).first()
    if item is None:
        raise NotFound()
    return item


def item_categories(actor: Actor) -> list[str]:
    """The categories of the items the actor may order, by name."""
    return sorted(
        set(item_orderable(actor).exclude(category="").values_list("category", flat=True))
    )


def search_items(user, q: str, limit: int = 10) -> list[CatalogItem]:  # noqa: ANN001 - User
    """The items ``user`` may order matching ``q``, those whose name matches first (name
    starts with, then contains), then those whose description does; by name within each.
    The portal's search calls this with the signed-in user."""
    if not 1 <= limit <= 100:
        raise ValidationFailed.one("limit", "between 1 and 100")
    actor = user if isinstance(user, Actor) else Actor(user=user)
    words = (q or "").strip()
    if not words:
        return []
    rank = Case(
        When(name__istartswith=words, then=Value(0)),
        When(name__icontains=words, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    qs = (
        item_orderable(actor)
        .filter(Q(name__icontains=words) | Q(description__icontains=words))
        .annotate(rank=rank)
        .order_by("rank", "name", "id")
    )
    return list(qs[:limit])
