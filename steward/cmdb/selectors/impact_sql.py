"""The impact walk's SQL: one recursive query over the relationship table, and the read of
the node columns of the CIs a page shows (``selectors.impact``, decisions 0022 and 0054)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from steward.cmdb.choices import MAX_DEPTH, MAX_IMPACT_ROWS, Direction
from steward.cmdb.models import CIClass, ConfigurationItem, Relationship

MAX_WALK_ROWS = MAX_IMPACT_ROWS * MAX_DEPTH  # walk rows are (CI, depth, parent, type): a bound
_T_CI = ConfigurationItem._meta.db_table
_T_CLASS = CIClass._meta.db_table
_T_REL = Relationship._meta.db_table
# what a node row carries after (ci, depth, parent, relationship type)
NODE_COLUMNS = "c.number, c.name, c.status, c.criticality, k.slug, k.name"


def _marks(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _visible(alias: str, served: list[int]) -> str:
    """``ci_visible``'s rule for a limited agent on the CI table as ``alias``."""
    marks = _marks(served) or "NULL"
    return f"({alias}.organisation_id IS NULL OR {alias}.organisation_id IN ({marks}))"


def _follow(near: str, far: str, forward: list[int], reverse: list[int]) -> tuple[str, list[int]]:
    """The edges a walk row follows: of the forward types by ``near``, of the reverse types
    by ``far``. (A ``LATERAL`` union of one index-only scan per end was measured on
    PostgreSQL, decision 0054: 10% off the walk at 1,000,000 CIs once vacuumed, but on a
    small table not yet vacuumed the planner turns to the single-column indexes and the
    type index; not adopted.)"""
    step, params = [], []
    for column, ids in ((near, forward), (far, reverse)):
        if ids:
            step.append(f"(r.{column} = w.ci_id AND r.type_id IN ({_marks(ids)}))")
            params.extend(ids)
    return " OR ".join(step) or "1 = 0", params


def impact_query(
    direction: str,
    *,
    start_id: int | None = None,
    number: str | None = None,
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

    The walk starts from ``start_id``, or from the CI numbered ``number`` if the actor may
    see it (``served``): then its own row (depth 0) is among the rows, and no row at all
    says it is absent or invisible. The walk makes rows breadth first (depth by depth:
    SQLite's queue is first in, first out and PostgreSQL evaluates one depth per
    iteration), and there is no ``ORDER BY``: the walk stops after ``rows`` rows past the
    start (SQLite: ``LIMIT`` inside the walk; PostgreSQL: a ``LIMIT`` on the walk before
    the joins, which stops the lazily evaluated walk); the rows may come in any order
    (callers take each CI's shallowest depth). ``nodes`` adds ``NODE_COLUMNS`` (and, from
    a ``number``, each CI's organisation and class id, for the start)."""
    # up: a forward edge (source needs target) is followed from its target to its source
    near, far = (
        ("target_id", "source_id") if direction == Direction.UP else ("source_id", "target_id")
    )
    forward = [pk for pk, (_slug, ahead) in types.items() if ahead]
    reverse = [pk for pk, (_slug, ahead) in types.items() if not ahead]
    seed = "SELECT CAST(%s AS BIGINT), 0, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)"
    params: list[Any] = [start_id]
    if number is not None:
        seed = seed.replace("%s", "c0.id") + f" FROM {_T_CI} c0 WHERE c0.number = %s"
        params = [number]
        if served is not None:
            seed += " AND " + _visible("c0", served)
            params.extend(served)
    follow, step_params = _follow(near, far, forward, reverse)
    params.extend(step_params)
    nxt = f"CASE WHEN r.{near} = w.ci_id THEN r.{far} ELSE r.{near} END"
    visible = ""
    if served is not None:
        visible = f"JOIN {_T_CI} v ON v.id = {nxt} AND " + _visible("v", served)
        params.extend(served)
    params.append(depth)
    inner, walk = "", "walk"
    if connection.vendor == "sqlite":  # SQLite stops the recursion at the walk's own LIMIT
        inner = "LIMIT %s"
    else:
        # PostgreSQL: the walk's first rows, cut before the joins below, so which rows are
        # kept never hangs on the join's plan (a hash or merge join does not keep the
        # walk's order, and an outer LIMIT alone then dropped the start or nearer CIs);
        # the LIMIT still stops the lazily evaluated walk
        walk = "(SELECT * FROM walk LIMIT %s)"
    params.append(rows + 1)  # the start's own row counts
    params.append(rows + (1 if number is not None else 0))
    columns, joins = "", ""
    where = ["w.depth > 0"] if number is None else []
    if nodes:
        columns = f", {NODE_COLUMNS}" + (", c.organisation_id, c.ci_class_id" if number else "")
        # CROSS JOIN: SQLite keeps the walk as the outer loop (PostgreSQL reads it so too
        # when its statistics are right: a nested loop on the primary keys)
        joins = f"CROSS JOIN {_T_CI} c CROSS JOIN {_T_CLASS} k"
        where.append("c.id = w.ci_id AND k.id = c.ci_class_id")
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    # table and column names are ours, never user input; every value is a parameter
    sql = f"""
WITH RECURSIVE walk(ci_id, depth, parent_id, rel) AS (
    {seed}
    UNION
    SELECT {nxt}, w.depth + 1, w.ci_id, CAST(r.type_id AS BIGINT)
    FROM walk w
    JOIN {_T_REL} r ON ({follow})
    {visible}
    WHERE w.depth < %s
    {inner}
)
SELECT w.ci_id, w.depth, w.parent_id, w.rel{columns} FROM {walk} w {joins}
{condition}
LIMIT %s"""  # noqa: S608
    return sql, params


def node_rows(ids: list[int]) -> dict[int, tuple]:
    """CI id → (``NODE_COLUMNS``, organisation, class id) of these CIs, one statement
    (``= ANY`` of one array on PostgreSQL)."""
    columns = f"c.id, {NODE_COLUMNS}, c.organisation_id, c.ci_class_id"
    base = f"SELECT {columns} FROM {_T_CI} c JOIN {_T_CLASS} k ON k.id = c.ci_class_id"  # noqa: S608
    if connection.vendor == "postgresql":
        sql, params = f"{base} WHERE c.id = ANY(%s)", [list(ids)]
    else:
        sql, params = f"{base} WHERE c.id IN ({_marks(ids)})", list(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}
