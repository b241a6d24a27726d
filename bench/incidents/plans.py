"""The database's plan of each statement a scenario runs, kept beside its figure.

A read's raw SQL p95 moved 3× between two builds of the same set (PostgreSQL's common-word
search, 5.3 → 17.3 ms, docs/benchmarks.md) and nothing recorded which plan either run had.
``explain`` asks the database, in this process, for the plan of every captured ``SELECT``:
on PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)`` (it runs the statement: its time and the pages
it read from cache or disk), on SQLite ``EXPLAIN QUERY PLAN``.
"""

from __future__ import annotations

import re

EXECUTION = re.compile(r"Execution Time: ([0-9.]+) ms")


def explain(statements: list[str]) -> list[dict]:
    """Each ``SELECT``'s plan (its lines) and, on PostgreSQL, its execution time in ms."""
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                lines = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                lines = [row[-1] for row in cursor.fetchall()]
            found = next((EXECUTION.search(line) for line in lines if "Execution" in line), None)
            out.append({
                "sql": sql[:200],
                "ms": float(found.group(1)) if found else None,
                "plan": lines,
            })  # fmt: skip
    return out


def summary(plans: list[dict]) -> str:
    """One line: each statement's time (PostgreSQL), slowest first."""
    timed = sorted((p for p in plans if p["ms"] is not None), key=lambda p: -p["ms"])
    if not timed:
        return f"{len(plans)} plans"
    return ", ".join(f"{p['ms']:.2f} ms {p['sql'][:48]!r}" for p in timed[:3])
