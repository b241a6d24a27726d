"""How the database runs the impact query: its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
ANALYZE on PostgreSQL) in both directions, and how much walking it does (rows the
recursive part produced against distinct CIs reached: revisits through diamonds and
cycles cost rows until the depth limit stops them)."""

from __future__ import annotations

import time

from bench.cmdb.impact import DEPTH

# The selector's query before this benchmark (kept only to measure before/after on the same
# data): an ``edges`` CTE of both directions of every relationship, which SQLite
# materialises, with an automatic index, on every call, and PostgreSQL scans per step.
LEGACY = """
WITH RECURSIVE edges(needs, needed, rel) AS (
    SELECT r.source_id, r.target_id, t.slug FROM cmdb_relationship r
        JOIN cmdb_relationshiptype t ON t.id = r.type_id WHERE t.source_depends_on_target
    UNION ALL
    SELECT r.target_id, r.source_id, t.slug FROM cmdb_relationship r
        JOIN cmdb_relationshiptype t ON t.id = r.type_id WHERE NOT t.source_depends_on_target
),
walk(ci_id, depth, parent_id, rel) AS (
    SELECT CAST(%s AS BIGINT), 0, CAST(NULL AS BIGINT), CAST('' AS VARCHAR(40))
    UNION
    SELECT e.{to}, w.depth + 1, w.ci_id, e.rel
    FROM walk w
    JOIN edges e ON e.{frm} = w.ci_id
    JOIN cmdb_configurationitem c ON c.id = e.{to}
    WHERE w.depth < %s
)
SELECT ci_id, depth, parent_id, rel FROM walk WHERE depth > 0 ORDER BY depth, ci_id, parent_id
LIMIT %s"""


def legacy(direction: str, start_id: int) -> tuple[str, list]:
    frm, to = ("needs", "needed") if direction == "down" else ("needed", "needs")
    return LEGACY.format(frm=frm, to=to), [start_id, DEPTH, 50_000]


def same_walk(before: set[tuple], after: set[tuple], *, cut: bool) -> bool:
    """Whether the selector's walk ((CI, depth) pairs) is the old query's. The selector's
    query stops after its row bound (decision 0054: no ``ORDER BY``, rows come depth by
    depth): when it stopped there (``cut``), every depth before its last must be whole and
    the last a part of the old query's; otherwise the two are equal."""
    if not cut:
        return before == after
    last = max(depth for _ci, depth in after)
    whole = {pair for pair in before if pair[1] < last}
    return {pair for pair in after if pair[1] < last} == whole and after <= before


def before_after(ids: list[int]) -> dict:
    """The old and the new query on the same starts, in-process: mean ms, equal rows?"""
    from django.db import connection

    from bench.cmdb.impact import query

    out = {}
    with connection.cursor() as cursor:
        for direction in ("up", "down"):
            spent = {"before": 0.0, "after": 0.0}
            for pk in ids:
                answers = {}
                bound = 0
                for label, (sql, params) in (
                    ("before", legacy(direction, pk)),
                    ("after", query(direction, pk)),
                ):
                    began = time.perf_counter()
                    cursor.execute(sql, params)
                    rows = cursor.fetchall()
                    spent[label] += time.perf_counter() - began
                    answers[label] = {(row[0], row[1]) for row in rows}
                    bound = len(rows) if label == "after" and len(rows) == params[-1] else 0
                if not same_walk(answers["before"], answers["after"], cut=bool(bound)):
                    raise AssertionError(f"old and new impact query differ from CI id {pk}")
            out[direction] = {k: round(1000 * v / len(ids), 2) for k, v in spent.items()}
            out[direction]["starts"] = len(ids)
    return out


def _sql(direction: str, start_id: int) -> tuple[str, str, list]:
    """(the selector's query, the same walk ending in a count of its rows, parameters)."""
    from bench.cmdb.impact import query

    sql, params = query(direction, start_id)
    head, _tail = sql.rsplit("\nSELECT", 1)
    counted = head + "\nSELECT count(*), count(DISTINCT ci_id), max(depth) FROM walk"
    return sql, counted, params


def plan(number_ids: list[int]) -> dict:
    """The plan of the upward and downward walk from the first start node."""
    from django.db import connection

    plans = {}
    with connection.cursor() as cursor:
        for direction in ("up", "down"):
            sql, _counted, params = _sql(direction, number_ids[0])
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plans[direction] = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plans[direction] = [" " * 2 * _depth(row) + row[-1] for row in cursor.fetchall()]
    return plans


def _depth(row: tuple) -> int:
    return 0 if len(row) < 2 else min(int(row[1] or 0), 20) // 4


def walk_sizes(ids: list[int]) -> dict:
    """Per direction: rows of the recursive walk, distinct CIs, and the time, summed over
    ``ids`` (the revisit factor = rows / distinct CIs)."""
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for direction in ("up", "down"):
            rows = distinct = 0
            began = time.perf_counter()
            for pk in ids:
                _sql_text, counted, params = _sql(direction, pk)
                # the walk's own parameters: no LIMIT after it (PostgreSQL's cut of the walk
                # before the joins is outside the CTE too)
                cursor.execute(counted, params[: counted.count("%s")])
                n, d, _deepest = cursor.fetchone()
                rows, distinct = rows + n, distinct + d
            seconds = time.perf_counter() - began
            out[direction] = {
                "starts": len(ids),
                "walk_rows": rows,
                "distinct_cis": distinct,
                "revisit_factor": round(rows / distinct, 2) if distinct else None,
                "mean_ms": round(1000 * seconds / len(ids), 2),
            }
    return out


def uses_index(plans: dict) -> dict:
    """Which relationship indexes each direction's plan names (a scan of the relationship
    table without one would read every edge at every step)."""
    found = {}
    for direction, lines in plans.items():
        text = "\n".join(lines)
        found[direction] = sorted(
            {
                name
                for name in (
                    "relationship_target",
                    "relationship_source",
                    "relationship_unique_triple",
                    "sqlite_autoindex_cmdb_relationship_1",  # SQLite's name for the unique one
                    "cmdb_relationship_source_id",
                    "cmdb_relationship_target_id",
                    "cmdb_relationship_type_id",
                )
                if name in text
            }
            | {"SCAN cmdb_relationship" for line in lines if _full_scan(line)}
        )
    return found


def _full_scan(line: str) -> bool:
    text = line.strip()
    sqlite_scan = text.startswith("SCAN r") or text == "SCAN cmdb_relationship"
    return sqlite_scan or "Seq Scan on cmdb_relationship" in text


def statement_plan(sql: str) -> list[str]:
    """The plan of one captured statement (values inlined by the capture)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]
