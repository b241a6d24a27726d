"""Impact analysis: who depends on a CI, or what it depends on, walked through the
relationship graph in the database with one recursive query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from steward.cmdb.choices import DEFAULT_DEPTH, MAX_DEPTH, Direction
from steward.cmdb.models import ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.selectors.cis import ci_get
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.rows import cache_related, loaded
from steward.core.selectors import served_organisation_ids

MAX_IMPACT_ROWS = 5000  # a blast radius bigger than this is truncated (and says so)


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
    cis = _nodes(ordered)
    result = Impact(start=start, direction=direction, depth=depth, truncated=truncated)
    for ci_id in ordered:
        if ci_id not in cis:
            continue
        path = _path(ci_id, best, start.id, cis)
        result.nodes.append(ImpactNode(cis[ci_id], best[ci_id][0], path, best[ci_id][2]))
    return result


def _nodes(ids: list[int]) -> dict[int, ConfigurationItem]:
    """The answer's CIs with their class, as ``select_related`` + ``only(*_NODE_FIELDS)``
    would give them, built from tuples (``core.rows``): the ORM's materialisation of up to
    5,000 CIs was most of an impact request (docs/benchmarks-cmdb.md)."""
    own = [f for f in _NODE_FIELDS if "__" not in f]
    of_class = [f.split("__")[1] for f in _NODE_FIELDS if f.startswith("ci_class__")]
    columns = ("id", *own, "ci_class_id", *(f"ci_class__{f}" for f in of_class))
    rows = ConfigurationItem.objects.filter(id__in=ids).values_list(*columns)
    db, classes, cis = rows.db, {}, {}
    class_model = ConfigurationItem._meta.get_field("ci_class").related_model
    for row in rows:
        ci = loaded(ConfigurationItem, db, dict(zip(("id", *own), row, strict=False)))
        ci.ci_class_id = class_id = row[len(own) + 1]
        ci_class = classes.get(class_id)
        if ci_class is None:
            values = dict(zip(of_class, row[len(own) + 2 :], strict=True))
            ci_class = classes[class_id] = loaded(class_model, db, {"id": class_id, **values})
        cache_related(ci, "ci_class", ci_class)
        cis[ci.id] = ci
    return cis


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
