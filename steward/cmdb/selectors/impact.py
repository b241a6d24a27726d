"""Impact analysis: who depends on a CI, or what it depends on, walked through the
relationship graph in the database with one recursive query that also reads what each node
shows (number, name, status, class): the answer is built from its rows, no model objects.

An answer is a page: the ``limit`` nearest CIs (by depth) and whether there are more. The
walk stops once it has produced enough rows for that page, so the time of a request follows
the page, not the whole blast radius of a hub (docs/benchmarks-cmdb.md, decision 0022)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from steward.cmdb.choices import (
    DEFAULT_DEPTH,
    MAX_DEPTH,
    MAX_IMPACT_ROWS,
    CIStatus,
    Direction,
)
from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.selectors.cis import ci_get
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.selectors import served_organisation_ids

MAX_WALK_ROWS = MAX_IMPACT_ROWS * MAX_DEPTH  # walk rows are (CI, depth, parent, type): a bound


@dataclass(frozen=True, slots=True)
class ImpactNode:
    """A CI the walk reached, as the answer shows it (read-only; no model object)."""

    id: int
    number: str
    name: str
    status: str
    criticality: int
    ci_class_slug: str
    ci_class_name: str
    depth: int
    path: list[str]  # CI numbers from the start (excluded) to this CI (included)
    via: str  # the relationship type of the last hop

    @property
    def status_label(self) -> str:
        return str(CIStatus(self.status).label) if self.status in CIStatus.values else self.status


@dataclass
class Impact:
    start: ConfigurationItem
    direction: str
    depth: int
    limit: int = MAX_IMPACT_ROWS
    nodes: list[ImpactNode] = field(default_factory=list)
    truncated: bool = False  # more CIs are reached than the page holds

    @property
    def business_services(self) -> list[ImpactNode]:
        return [n for n in self.nodes if n.ci_class_slug == "business_service"]


_T_CI = ConfigurationItem._meta.db_table
_T_CLASS = CIClass._meta.db_table
_T_REL = Relationship._meta.db_table
# what a node row carries after (ci, depth, parent, relationship type)
NODE_COLUMNS = "c.number, c.name, c.status, c.criticality, k.slug, k.name"


def impact_query(
    direction: str,
    *,
    start_id: int,
    depth: int,
    types: dict[int, tuple[str, bool]],
    served: list[int] | None = None,
    rows: int = MAX_WALK_ROWS,
    nodes: bool = False,
) -> tuple[str, list[Any]]:
    """The walk as one recursive query over the relationship table, and its parameters.

    ``types`` maps each relationship type id to (slug, source depends on target). A step
    from a CI follows the edges whose "needed" end (or, down, "needing" end) it is: of the
    forward types by one column, of the reverse types (``part_of``) by the other, so each
    step is an index-only lookup (``relationship_target`` = (target, type, source) and the
    (source, target, type) unique index) and never a scan of all edges. Rows are (CI,
    depth, parent, type) joined with UNION, so each CI enters each depth at most once per
    parent: cycles stop at the depth limit.

    Rows come breadth first (depth by depth: SQLite's queue is first in, first out and
    PostgreSQL evaluates one depth per iteration), and there is no ``ORDER BY``: the walk
    stops after ``rows`` rows (SQLite: ``LIMIT`` inside the walk; PostgreSQL: the outer
    ``LIMIT``, which stops the lazily evaluated walk). ``nodes`` adds ``NODE_COLUMNS``."""
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
            f"JOIN {_T_CI} v ON v.id = {nxt}"
            f" AND (v.organisation_id IS NULL OR v.organisation_id IN ({marks}))"
        )
    params.extend([*(served or []), depth])
    inner = ""
    if connection.vendor == "sqlite":  # SQLite stops the recursion at the walk's own LIMIT
        inner = "LIMIT %s"
        params.append(rows + 1)  # the start's own row counts
    params.append(rows)
    columns, joins = "", ""
    if nodes:
        columns = f", {NODE_COLUMNS}"
        # CROSS JOIN: SQLite keeps the walk as the outer loop (PostgreSQL reads it so too:
        # a nested loop on the primary keys is the only cheap plan under a LIMIT)
        joins = f"CROSS JOIN {_T_CI} c CROSS JOIN {_T_CLASS} k"
    where = "w.depth > 0" + (" AND c.id = w.ci_id AND k.id = c.ci_class_id" if nodes else "")
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
    {inner}
)
SELECT w.ci_id, w.depth, w.parent_id, w.rel{columns} FROM walk w {joins}
WHERE {where}
LIMIT %s"""  # noqa: S608
    return sql, params


def _load_directions() -> dict[int, tuple[str, bool]]:
    rows = RelationshipType.objects.values_list("id", "slug", "source_depends_on_target")
    return {pk: (slug, ahead) for pk, slug, ahead in rows}


_directions = stamps.Versioned(stamps.CMDB_CONFIG, _load_directions)


def relationship_directions() -> dict[int, tuple[str, bool]]:
    """Every relationship type: id → (slug, whether its source depends on its target),
    cached per process under the ``CMDB_CONFIG`` stamp (a type saved or deleted bumps it):
    a request reads it from the stamps it has read already. Read-only: it is shared."""
    return _directions.get()


def impact(
    actor: Actor,
    *,
    number: str,
    direction: str = Direction.UP,
    depth: int = DEFAULT_DEPTH,
    limit: int = MAX_IMPACT_ROWS,
) -> Impact:
    """CIs reached from ``number`` up (who depends on it: the business services a failure
    hits) or down (what it depends on), each at its shortest depth with one shortest path;
    only CIs the actor may see are walked. The ``limit`` nearest (depth, then id), and
    ``truncated`` when the walk reaches more."""
    if direction not in Direction.values:
        raise ValidationFailed.one("direction", "up or down")
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise ValidationFailed.one("depth", f"between 1 and {MAX_DEPTH}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_IMPACT_ROWS:
        raise ValidationFailed.one("limit", f"between 1 and {MAX_IMPACT_ROWS}")
    return impact_from(
        actor, ci_get(actor, number=number), direction=direction, depth=depth, limit=limit
    )


def impact_from(
    actor: Actor,
    start: ConfigurationItem,
    *,
    direction: str,
    depth: int,
    limit: int = MAX_IMPACT_ROWS,
    types: dict[int, tuple[str, bool]] | None = None,
) -> Impact:
    """``impact`` from a CI the caller has read already (with its class) and arguments it
    has checked: a change's CIs are walked without reading each again, and with the
    relationship types read once for all of them (``types``, ``relationship_directions``)."""
    served = None if actor.is_system or actor.is_admin else served_organisation_ids(actor)
    types = relationship_directions() if types is None else types
    best, complete = _walk(direction, start.id, depth, types, served, limit)
    ordered = sorted(best, key=lambda i: (best[i][0], i))
    result = Impact(start=start, direction=direction, depth=depth, limit=limit)
    result.truncated = len(ordered) > limit or not complete
    for ci_id in ordered[:limit]:
        level, _parent, via, row = best[ci_id]
        path = _path(ci_id, best, start.id)
        result.nodes.append(ImpactNode(ci_id, *row, depth=level, path=path, via=types[via][0]))
    return result


Best = dict[int, tuple[int, int, int, tuple]]  # CI → (depth, parent, type, node columns)


def _walk(
    direction: str,
    start_id: int,
    depth: int,
    types: dict[int, tuple[str, bool]],
    served: list[int] | None,
    limit: int,
) -> tuple[Best, bool]:
    """The walk's rows until more than ``limit`` CIs are known (or the walk ends): each CI at
    its shallowest depth. A CI reached through several parents is several rows, so the
    bound on rows starts at a few per CI and grows fourfold while that is not enough.
    (CIs, whether the walk was read to its end)."""
    budget = min((limit + 1) * 3, MAX_WALK_ROWS)
    while True:
        sql, params = impact_query(
            direction,
            start_id=start_id,
            depth=depth,
            types=types,
            served=served,
            rows=budget,
            nodes=True,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        best: Best = {}
        for ci_id, level, parent_id, rel, *node in rows:
            if ci_id != start_id and (ci_id not in best or level < best[ci_id][0]):
                best[ci_id] = (level, parent_id, rel, tuple(node))
        if len(rows) < budget or len(best) > limit or budget >= MAX_WALK_ROWS:
            return best, len(rows) < budget
        budget = min(budget * 4, MAX_WALK_ROWS)


def _path(ci_id: int, best: Best, start_id: int) -> list[str]:
    """Follow shortest-depth parents back to the start (a parent of a CI first reached at
    depth d was itself first reached at d - 1, and came before it in the walk)."""
    path = []
    node = ci_id
    while node != start_id and node in best:
        path.append(best[node][3][0])
        node = best[node][1]
    return list(reversed(path))
