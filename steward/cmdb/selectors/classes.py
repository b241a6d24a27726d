"""Reads of the CMDB's vocabulary: CI classes (their hierarchy and effective schemas) and
relationship types. Classes are configuration every agent reads; requesters none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from steward.cmdb.models import CIClass, RelationshipType
from steward.cmdb.selectors.schema import effective_keys, effective_schema
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate


@dataclass
class ClassTree:
    """Every CI class, loaded once: chains, schemas and descendants without more queries."""

    by_slug: dict[str, CIClass]
    by_id: dict[int, CIClass]

    def chain(self, cls: CIClass) -> list[CIClass]:
        """Root first, ``cls`` last."""
        chain, seen = [], set()
        node: CIClass | None = cls
        while node is not None and node.id not in seen:
            seen.add(node.id)
            chain.append(node)
            node = self.by_id.get(node.parent_id) if node.parent_id else None
        return list(reversed(chain))

    def schema(self, cls: CIClass) -> dict[str, dict[str, Any]]:
        return effective_schema(self.chain(cls))

    def keys(self, cls: CIClass) -> list[str]:
        return effective_keys(self.chain(cls))

    def descendants(self, cls: CIClass) -> list[int]:
        """``cls`` and every class below it."""
        return [c.id for c in self.by_id.values() if cls in self.chain(c)]

    def is_a(self, cls: CIClass, ancestor_slug: str) -> bool:
        return any(c.slug == ancestor_slug for c in self.chain(cls))


def class_tree() -> ClassTree:
    """All classes in one query."""
    classes = list(CIClass.objects.all())
    return ClassTree({c.slug: c for c in classes}, {c.id: c for c in classes})


def ci_class_list(actor: Actor) -> list[CIClass]:
    """Active classes with their effective schema (``schema``) and keys; agents only."""
    if not actor.is_agent:
        return []
    tree = class_tree()
    found = sorted((c for c in tree.by_slug.values() if c.is_active), key=lambda c: c.name)
    for cls in found:
        _describe(tree, cls)
    return found


def ci_class_get(actor: Actor, *, slug: str) -> CIClass:
    """One class with its effective schema; ``NotFound`` for requesters."""
    tree = class_tree()
    cls = tree.by_slug.get(slug)
    if cls is None or not actor.is_agent:
        raise NotFound()
    return _describe(tree, cls)


def ci_class_visible(actor: Actor) -> QuerySet[CIClass]:
    """Classes are configuration every agent reads; requesters none."""
    return CIClass.objects.all() if actor.is_agent else CIClass.objects.none()


def relationship_type_visible(actor: Actor) -> QuerySet[RelationshipType]:
    return RelationshipType.objects.all() if actor.is_agent else RelationshipType.objects.none()


def ci_class_page(
    actor: Actor, *, q: str = "", cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of active classes by name, each with its effective schema; agents only."""
    qs = ci_class_visible(actor).filter(is_active=True)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(slug__icontains=q.strip()))
    page = paginate(qs, order=("name", "id"), cursor=cursor, limit=limit)
    if page.items:
        tree = class_tree()  # one query for every chain on the page
        page.items = [_describe(tree, tree.by_id[c.id]) for c in page.items]
    return page


def relationship_type_page(
    actor: Actor, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of relationship types by slug; agents only."""
    qs = relationship_type_visible(actor)
    return paginate(qs, order=("slug", "id"), cursor=cursor, limit=limit)


def relationship_type_get(actor: Actor, *, slug: str) -> RelationshipType:
    """One relationship type; ``NotFound`` for requesters."""
    found = relationship_type_visible(actor).filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def _describe(tree: ClassTree, cls: CIClass) -> CIClass:
    parent = tree.by_id[cls.parent_id] if cls.parent_id else None
    cls.parent_slug = parent.slug if parent else None
    cls.parent_name = parent.name if parent else None  # what the class form says it inherits from
    cls.schema = list(tree.schema(cls).values())
    cls.effective_keys = tree.keys(cls)
    return cls


def relationship_types() -> list[RelationshipType]:
    return list(RelationshipType.objects.order_by("slug"))
