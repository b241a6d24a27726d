"""Every read of the CMDB, scoped to what the actor may see.

Agents read CIs of the organisations they serve (and CIs of no organisation); requesters see
nothing. A relationship is visible when both its ends are. Impact analysis walks the
relationship graph in the database with one recursive query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from steward.cmdb import attributes
from steward.cmdb.choices import CIStatus, Direction, Environment
from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import Page, paginate
from steward.core.selectors import served_organisation_ids

NUMBER = re.compile(r"CI\d{7}")
ATTR_PARAM = re.compile(r"^attr\.(?P<name>[a-z][a-z0-9_]{0,59})$")
DEFAULT_DEPTH = 6
MAX_DEPTH = 10
MAX_IMPACT_ROWS = 5000  # a blast radius bigger than this is truncated (and says so)


# --- classes -------------------------------------------------------------------------------


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
        return attributes.effective_schema(self.chain(cls))

    def keys(self, cls: CIClass) -> list[str]:
        return attributes.effective_keys(self.chain(cls))

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
    cls.parent_slug = tree.by_id[cls.parent_id].slug if cls.parent_id else None
    cls.schema = list(tree.schema(cls).values())
    cls.effective_keys = tree.keys(cls)
    return cls


def relationship_types() -> list[RelationshipType]:
    return list(RelationshipType.objects.order_by("slug"))


# --- configuration items ---------------------------------------------------------------------


def ci_visible(actor: Actor) -> QuerySet[ConfigurationItem]:
    """Agents see CIs of the organisations they serve and of none; requesters nothing."""
    qs = ConfigurationItem.objects.all()
    if actor.is_system or actor.is_admin:
        return qs
    if not actor.is_agent:
        return qs.none()
    served = served_organisation_ids(actor)
    if served is None:
        return qs
    return qs.filter(Q(organisation_id__in=served) | Q(organisation__isnull=True))


def _with_relations(qs: QuerySet[ConfigurationItem]) -> QuerySet[ConfigurationItem]:
    return qs.select_related("ci_class", "owner_team", "support_team", "organisation", "location")


def attribute_filters(params: Any) -> dict[str, str]:
    """``attr.<name>=<value>`` pairs of a query string (a QueryDict or a mapping)."""
    found = {}
    for key in params:
        if key.startswith("attr."):
            match = ATTR_PARAM.match(key)
            if match is None:
                raise ValidationFailed.one(key, "attribute names are lower_snake_case")
            found[match["name"]] = params[key]
    return found


def ci_list(
    actor: Actor,
    *,
    q: str = "",
    ci_class: str = "",
    status: str = "",
    environment: str = "",
    owner_team: str = "",
    attrs: dict[str, str] | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible CIs by name; ``ci_class`` includes its subclasses; ``attrs`` match
    attribute values (typed by the class's schema when a class is given)."""
    qs = ci_visible(actor)
    schema: dict[str, dict[str, Any]] = {}
    if ci_class:
        tree = class_tree()
        cls = tree.by_slug.get(ci_class)
        if cls is None:
            raise ValidationFailed.one("class", f"no CI class {ci_class!r}")
        qs = qs.filter(ci_class_id__in=tree.descendants(cls))
        schema = tree.schema(cls)
    if status:
        if status not in CIStatus.values:
            raise ValidationFailed.one("status", f"one of {', '.join(CIStatus.values)}")
        qs = qs.filter(status=status)
    if environment:
        if environment not in Environment.values:
            raise ValidationFailed.one("environment", f"one of {', '.join(Environment.values)}")
        qs = qs.filter(environment=environment)
    if owner_team:
        qs = qs.filter(owner_team__slug=owner_team)
    for name, raw in (attrs or {}).items():
        if schema and name not in schema:
            raise ValidationFailed.one(f"attr.{name}", f"not an attribute of {ci_class}")
        try:
            value = attributes.coerce_query(schema.get(name), raw)
        except ValueError as exc:
            raise ValidationFailed.one(f"attr.{name}", str(exc)) from exc
        qs = qs.filter(**{f"attributes__{name}": value})
    q = q.strip()
    if q and NUMBER.fullmatch(q.upper()):
        qs = qs.filter(number=q.upper())
    elif q:
        qs = qs.filter(name__icontains=q)
    return paginate(_with_relations(qs), order=("name", "id"), cursor=cursor, limit=limit)


def ci_get(actor: Actor, *, number: str) -> ConfigurationItem:
    """One visible CI by number; ``NotFound`` for absent and invisible alike."""
    ci = _with_relations(ci_visible(actor)).filter(number=number).first()
    if ci is None:
        raise NotFound()
    return ci


def ci_for_update(actor: Actor, *, number: str) -> ConfigurationItem:
    """The CI locked for a write."""
    ci = (
        ci_visible(actor)
        .select_for_update(of=("self",))
        .select_related("ci_class")
        .filter(number=number)
        .first()
    )
    if ci is None:
        raise NotFound()
    return ci


def ci_choices(actor: Actor, numbers: set[str]) -> dict[str, ConfigurationItem]:
    """Visible CIs by number, in one query (references in attributes and relationships)."""
    if not numbers:
        return {}
    return {
        ci.number: ci
        for ci in ci_visible(actor).select_related("ci_class").filter(number__in=numbers)
    }


# --- relationships ---------------------------------------------------------------------------


def relationship_visible(actor: Actor) -> QuerySet[Relationship]:
    """Relationships whose both ends the actor may see."""
    qs = Relationship.objects.all()
    if actor.is_system or actor.is_admin:
        return qs
    if not actor.is_agent:
        return qs.none()
    served = served_organisation_ids(actor)
    if served is None:
        return qs
    return qs.filter(
        Q(source__organisation_id__in=served) | Q(source__organisation__isnull=True),
        Q(target__organisation_id__in=served) | Q(target__organisation__isnull=True),
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
        qs = qs.filter(Q(source__number=ci) | Q(target__number=ci))
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
        .order_by("type__slug", "id")[:500]
    )
    return {
        "outgoing": [r for r in rows if r.source_id == ci.id],
        "incoming": [r for r in rows if r.target_id == ci.id],
    }


# --- impact analysis -------------------------------------------------------------------------


@dataclass
class ImpactNode:
    ci: ConfigurationItem
    depth: int
    path: list[str]  # CI numbers from the start (excluded) to this CI (included)
    via: str  # the relationship type of the last hop

    # plain attributes for the API schema: a dotted alias ("ci.number") is resolved through
    # Django's template Variable per field and node, which costs more than the walk
    @property
    def number(self) -> str:
        return self.ci.number

    @property
    def name(self) -> str:
        return self.ci.name

    @property
    def ci_class_slug(self) -> str:
        return self.ci.ci_class.slug

    @property
    def status(self) -> str:
        return self.ci.status

    @property
    def criticality(self) -> int:
        return self.ci.criticality


@dataclass
class Impact:
    start: ConfigurationItem
    direction: str
    depth: int
    nodes: list[ImpactNode] = field(default_factory=list)
    truncated: bool = False

    @property
    def business_services(self) -> list[ImpactNode]:
        return [n for n in self.nodes if n.ci.ci_class.slug == "business_service"]


_T_CI = ConfigurationItem._meta.db_table
_T_REL = Relationship._meta.db_table


def impact_query(
    direction: str,
    *,
    start_id: int,
    depth: int,
    types: dict[int, tuple[str, bool]],
    served: list[int] | None = None,
) -> tuple[str, list[Any]]:
    """The walk as one recursive query over the relationship table, and its parameters.

    ``types`` maps each relationship type id to (slug, source depends on target). A step
    from a CI follows the edges whose "needed" end (or, down, "needing" end) it is: of the
    forward types by one column, of the reverse types (``part_of``) by the other, so each
    step is two index lookups (``relationship_target`` and the (source, target, type)
    unique index) and never a scan of all edges. Rows are (CI, depth, parent, type) joined
    with UNION, so each CI enters each depth at most once per parent: cycles stop at the
    depth limit, and the work is bounded by edges × depth, never by the number of paths."""
    # up: a forward edge (source needs target) is followed from its target to its source
    near, far = (
        ("target_id", "source_id") if direction == Direction.UP else ("source_id", "target_id")
    )
    forward = [pk for pk, (_slug, ahead) in types.items() if ahead]
    reverse = [pk for pk, (_slug, ahead) in types.items() if not ahead]
    step, params = [], [start_id]
    for column, ids in ((near, forward), (far, reverse)):
        if ids:
            step.append(f"(r.{column} = w.ci_id AND r.type_id IN ({', '.join(['%s'] * len(ids))}))")
            params.extend(ids)
    follow = " OR ".join(step) or "1 = 0"
    nxt = f"CASE WHEN r.{near} = w.ci_id THEN r.{far} ELSE r.{near} END"
    visible = ""
    if served is not None:
        marks = ", ".join(["%s"] * len(served)) or "NULL"
        visible = (
            f"JOIN {_T_CI} c ON c.id = {nxt}"
            f" AND (c.organisation_id IS NULL OR c.organisation_id IN ({marks}))"
        )
    params.extend([*(served or []), depth])
    # each (CI, depth, parent) row is at most one per edge and depth: this bounds the scan
    params.append(MAX_IMPACT_ROWS * MAX_DEPTH)
    # table and column names are ours, never user input; every value is a parameter
    sql = f"""
WITH RECURSIVE walk(ci_id, depth, parent_id, rel) AS (
    SELECT CAST(%s AS BIGINT), 0, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)
    UNION
    SELECT {nxt}, w.depth + 1, w.ci_id, CAST(r.type_id AS BIGINT)
    FROM walk w
    JOIN {_T_REL} r ON ({follow})
    {visible}
    WHERE w.depth < %s
)
SELECT ci_id, depth, parent_id, rel FROM walk WHERE depth > 0
ORDER BY depth, ci_id, parent_id, rel
LIMIT %s"""  # noqa: S608
    return sql, params


def relationship_directions() -> dict[int, tuple[str, bool]]:
    """Every relationship type: id → (slug, whether its source depends on its target)."""
    rows = RelationshipType.objects.values_list("id", "slug", "source_depends_on_target")
    return {pk: (slug, ahead) for pk, slug, ahead in rows}


# What a node shows (every caller: API, pages, change risk and conflicts): a blast radius
# of thousands of CIs would otherwise pay a join per relation and a JSON parse of the
# attributes per row. Another field read from a node costs a query: add it here instead.
_NODE_FIELDS = ("number", "name", "status", "criticality", "ci_class__slug", "ci_class__name")


def impact(
    actor: Actor, *, number: str, direction: str = Direction.UP, depth: int = DEFAULT_DEPTH
) -> Impact:
    """CIs reached from ``number`` up (who depends on it: the business services a failure
    hits) or down (what it depends on), each at its shortest depth with one shortest path;
    only CIs the actor may see are walked."""
    if direction not in Direction.values:
        raise ValidationFailed.one("direction", "up or down")
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise ValidationFailed.one("depth", f"between 1 and {MAX_DEPTH}")
    start = ci_get(actor, number=number)
    served = None if actor.is_system or actor.is_admin else served_organisation_ids(actor)
    types = relationship_directions()
    sql, params = impact_query(
        direction, start_id=start.id, depth=depth, types=types, served=served
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    best: dict[int, tuple[int, int, str]] = {}  # CI → (depth, parent, relationship type)
    for ci_id, level, parent_id, rel in rows:
        if ci_id != start.id and ci_id not in best:
            best[ci_id] = (level, parent_id, types[rel][0])
    ordered = sorted(best, key=lambda i: (best[i][0], i))
    truncated = len(ordered) > MAX_IMPACT_ROWS or len(rows) >= MAX_IMPACT_ROWS * MAX_DEPTH
    ordered = ordered[:MAX_IMPACT_ROWS]
    nodes = ConfigurationItem.objects.filter(id__in=ordered).select_related("ci_class")
    cis = {ci.id: ci for ci in nodes.only(*_NODE_FIELDS)}
    result = Impact(start=start, direction=direction, depth=depth, truncated=truncated)
    for ci_id in ordered:
        if ci_id not in cis:
            continue
        path = _path(ci_id, best, start.id, cis)
        result.nodes.append(ImpactNode(cis[ci_id], best[ci_id][0], path, best[ci_id][2]))
    return result


def _path(
    ci_id: int,
    best: dict[int, tuple[int, int, str]],
    start_id: int,
    cis: dict[int, ConfigurationItem],
) -> list[str]:
    """Follow shortest-depth parents back to the start (a parent of a CI first reached at
    depth d was itself first reached at d - 1, so this is a shortest path)."""
    path = []
    node = ci_id
    while node != start_id and node in best:
        path.append(cis[node].number if node in cis else str(node))
        node = best[node][1]
    return list(reversed(path))


# --- service map -----------------------------------------------------------------------------


@dataclass
class Neighbourhood:
    """A CI, what reaches it (``up``) and what it reaches (``down``), and the visible
    relationships among all of them."""

    center: ConfigurationItem
    up: list[ImpactNode]
    down: list[ImpactNode]
    edges: list[Relationship]


MAP_MAX_NODES = 120


def service_map(actor: Actor, *, number: str, depth: int = 2) -> Neighbourhood:
    """The neighbourhood a service map draws: two impact walks and one edge query."""
    up = impact(actor, number=number, direction=Direction.UP, depth=depth)
    down = impact(actor, number=number, direction=Direction.DOWN, depth=depth)
    seen = {up.start.id}
    up_nodes = [n for n in up.nodes[:MAP_MAX_NODES] if n.ci.id not in seen]
    seen |= {n.ci.id for n in up_nodes}
    down_nodes = [n for n in down.nodes[:MAP_MAX_NODES] if n.ci.id not in seen]
    seen |= {n.ci.id for n in down_nodes}
    edges = list(
        relationship_visible(actor)
        .filter(source_id__in=seen, target_id__in=seen)
        .select_related("type")
        .order_by("id")[: MAP_MAX_NODES * 4]
    )
    return Neighbourhood(center=up.start, up=up_nodes, down=down_nodes, edges=edges)
