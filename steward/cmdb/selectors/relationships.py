"""Reads of relationships: one is visible when both its ends are."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from steward.cmdb.models import ConfigurationItem, Relationship
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations

# a CI's relationships in one answer (both directions, by type and id): the live list's and
# the past one's (``past.ci_as_of``) cap, so a hub CI's page and API stay bounded
CI_RELATIONSHIPS_MAX = 500


def relationship_visible(actor: Actor) -> QuerySet[Relationship]:
    """Relationships whose both ends the actor may see."""
    return scope_to_organisations(
        actor,
        Relationship.objects.all(),
        field=("source__organisation", "target__organisation"),
    )


def _relationship_relations(qs: QuerySet[Relationship]) -> QuerySet[Relationship]:
    return qs.select_related("source__ci_class", "target__ci_class", "type")


def relationship_list(
    actor: Actor,
    *,
    ci: str = "",
    type: str = "",  # noqa: A002 - the API's filter name
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible relationships, newest first; ``ci`` either end."""
    qs = relationship_visible(actor)
    if ci:
        # the CI's id first, then its relationships by the indexed id columns: an ``OR`` of
        # the two ends' numbers through joins read the relationships newest first and
        # joined each to its CIs until a page matched, every relationship for a CI with few
        pk = ConfigurationItem.objects.filter(number=ci).values_list("pk", flat=True).first()
        qs = qs.filter(Q(source_id=pk) | Q(target_id=pk)) if pk is not None else qs.none()
    if type:
        qs = qs.filter(type__slug=type)
    return paginate(_relationship_relations(qs), order=("-id",), cursor=cursor, limit=limit)


def relationship_get(actor: Actor, *, relationship_id: int, for_update: bool = False):
    """One visible relationship; ``NotFound`` otherwise."""
    if not 0 < relationship_id < 2**63:
        raise NotFound()
    qs = relationship_visible(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = _relationship_relations(qs).filter(id=relationship_id).first()
    if found is None:
        raise NotFound()
    return found


def ci_relationships(actor: Actor, ci: ConfigurationItem) -> dict[str, list[Relationship]]:
    """A CI's visible relationships: ``outgoing`` (it → other) and ``incoming``."""
    rows = list(
        _relationship_relations(relationship_visible(actor))
        .filter(Q(source=ci) | Q(target=ci))
        .order_by("type__slug", "id")[:CI_RELATIONSHIPS_MAX]
    )
    return {
        "outgoing": [r for r in rows if r.source_id == ci.id],
        "incoming": [r for r in rows if r.target_id == ci.id],
    }
