"""Full-text search over incidents: SQLite FTS5 or PostgreSQL tsvector/GIN, one interface.

This module holds the reads; ``services/search_index.py`` creates and refreshes the index.

The index holds two documents per incident: ``public`` (number, title, description, public
replies) and ``internal`` (work notes). Requesters match only ``public``, agents both, so a
search never reveals a work note to someone who may not read it. The index is a side
effect: the worker refreshes it from outbox events after commit.
"""

from __future__ import annotations

import re

from django.db import connection

TABLE = "incidents_search"
MAX_TERMS = 8


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; everything else is dropped (no query syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


MAX_HITS = 2000  # a search ranks at most this many best matches; refine the words for more


def best_matches(
    query: str, *, include_internal: bool, limit: int = MAX_HITS
) -> list[tuple[float, int]]:
    """The best ``(rank, incident id)`` pairs, lower rank first, from one index query.

    Ranking happens once, inside the index, and only the top ``limit`` come back: the
    caller narrows them to what the actor may see (an ``id IN`` on the primary key).
    """
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in words)
        where = "s.public @@ q" + (" OR s.internal @@ q" if include_internal else "")
        rank = "ts_rank(s.public, q)" + (" + ts_rank(s.internal, q)" if include_internal else "")
        # ts_rank is float4: as float8 its value survives the cursor's round trip exactly
        sql = (
            f"SELECT -(({rank})::float8) AS r, s.incident_id "  # noqa: S608
            f"FROM {TABLE} s, to_tsquery('simple', %s) q WHERE {where} "
            "ORDER BY r, s.incident_id LIMIT %s"
        )
    else:
        phrase = " ".join(f'"{w}"*' for w in words)
        tsquery = phrase if include_internal else f"public : ({phrase})"
        sql = (
            f"SELECT bm25({TABLE}) AS r, rowid FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY r, rowid LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, limit])
        return [(float(r), int(i)) for r, i in cursor.fetchall()]
