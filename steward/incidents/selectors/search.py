"""Full-text search over incidents: SQLite FTS5 or PostgreSQL tsvector/GIN, one interface.

This module holds the reads; ``services/search_index.py`` creates and refreshes the index.

The index holds two documents per incident: ``public`` (number, title, description, public
replies) and ``internal`` (work notes). Requesters match only ``public``, agents both, so a
search never reveals a work note to someone who may not read it. The services write the
index in the record's own transaction, so what a request commits the next one finds.
"""

from __future__ import annotations

import re

from django.db import connection

TABLE = "incidents_search"
MAX_TERMS = 8


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; everything else is dropped (no query syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


MAX_HITS = 2000  # a search orders at most this many matches; refine the words for more


def best_matches(
    query: str, *, include_internal: bool, limit: int | None = None
) -> list[tuple[float, int]]:
    """The best ``(rank, incident id)`` pairs, lower rank first, at most ``limit``.

    Words matching at most ``limit`` incidents are ranked by relevance (BM25 on SQLite,
    ``ts_rank`` on PostgreSQL). Words matching more are ordered newest first instead, with
    ``-id`` as the rank: relevance over a large share of the table means scoring every
    match on every search, which no first page at 1,000,000 rows can afford, and among
    thousands of near-equal matches the newest is the likelier one wanted (decision 0012).
    Either way the index answers in its own order and only ``limit`` ids come back; the
    caller narrows them to what the actor may see (an ``id IN`` on the primary key).
    """
    words = terms(query)
    if not words:
        return []
    limit = MAX_HITS if limit is None else limit
    if connection.vendor == "postgresql":
        return _postgres(words, include_internal=include_internal, limit=limit)
    return _sqlite(words, include_internal=include_internal, limit=limit)


def _sqlite(words: list[str], *, include_internal: bool, limit: int) -> list[tuple[float, int]]:
    phrase = " ".join(f'"{w}"*' for w in words)
    match = phrase if include_internal else f"public : ({phrase})"
    with connection.cursor() as cursor:
        # FTS5 walks a term's postings in rowid order, so the newest matches cost
        # ``limit`` steps whatever their total; they also tell whether ranking is affordable
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "  # noqa: S608
            "ORDER BY rowid DESC LIMIT %s",
            [match, limit + 1],
        )
        newest = [int(i) for (i,) in cursor.fetchall()]
        if len(newest) > limit:
            return [(float(-i), i) for i in newest[:limit]]
        cursor.execute(
            f"SELECT bm25({TABLE}) AS r, rowid FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY r, rowid LIMIT %s",
            [match, limit],
        )
        return [(float(r), int(i)) for r, i in cursor.fetchall()]


def _postgres(words: list[str], *, include_internal: bool, limit: int) -> list[tuple[float, int]]:
    tsquery = " & ".join(f"{w}:*" for w in words)
    where = "s.public @@ q" + (" OR s.internal @@ q" if include_internal else "")
    matches = f"FROM {TABLE} s, to_tsquery('simple', %s) q WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        # counting stops at limit + 1 rows; the CTE is planned for every match, so a rare
        # word is read through the GIN index (under the LIMIT the planner walked the
        # whole table hoping to stop early: 0.5 s for one match at 200,000 rows)
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT 1 {matches}) "  # noqa: S608
            "SELECT count(*) FROM (SELECT 1 FROM m LIMIT %s) c",
            [tsquery, limit + 1],
        )
        if cursor.fetchone()[0] > limit:
            cursor.execute(
                f"SELECT s.incident_id {matches} ORDER BY s.incident_id DESC LIMIT %s",
                [tsquery, limit],
            )
            return [(float(-i), int(i)) for (i,) in cursor.fetchall()]
        rank = "ts_rank(s.public, q)" + (" + ts_rank(s.internal, q)" if include_internal else "")
        # ts_rank is float4: as float8 its value survives the cursor's round trip exactly
        cursor.execute(
            f"SELECT -(({rank})::float8) AS r, s.incident_id {matches} "
            "ORDER BY r, s.incident_id LIMIT %s",
            [tsquery, limit],
        )
        return [(float(r), int(i)) for r, i in cursor.fetchall()]
