"""Reads of services and catalogue items: who may see and who may order what.

Services and items are published to everyone signed in (a retired service and an inactive
item are for agents); ordering is narrower: the item's audience (everyone, some
organisations, some roles).
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from steward.catalog.choices import Audience, Stage
from steward.catalog.models import CatalogItem, Service
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
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
