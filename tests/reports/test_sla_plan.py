"""SLA compliance reads each incident's stopped clocks from ``sla_clock_outcome`` alone, never
from the clock table (decision 0103, amended): the plan of its statement, on each database."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.reports import selectors
from tests.conftest import as_actor
from tests.reports.conftest import END, START


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The question is whether the covering index can answer the statement alone, not
            # which path the planner prefers for the test's few rows: with them it picked the
            # content-type index plus a filter as often as not (a plan from statistics). With
            # sequential, plain index and bitmap scans off, an index-only scan is the one
            # path left at normal cost, and it exists only while the index covers every
            # column the statement reads; if it stops covering them the planner falls back
            # to a disabled path and the count below fails.
            for path in ("seqscan", "indexscan", "bitmapscan"):
                cursor.execute(f"SET LOCAL enable_{path} = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_clocks_are_read_from_their_covering_index(world):
    with CaptureQueriesContext(connection) as ctx:
        selectors.report_get(as_actor(world.admin), name="sla-compliance", start=START, end=END)
    [sql] = [q["sql"] for q in ctx.captured_queries if "sla_slaclock" in q["sql"]]
    text = plan(sql)
    if connection.vendor == "postgresql":
        assert text.count("Index Only Scan using sla_clock_outcome") == 2, text
    else:
        assert text.count("USING COVERING INDEX sla_clock_outcome") == 2, text
