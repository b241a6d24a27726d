"""Full-text search over articles: SQLite FTS5 or PostgreSQL tsvector/GIN, one interface.

One index row per article (its current title and body, whatever its state): the caller
narrows the hits to what the actor may read. A title match outranks a mention in the body:
FTS5's bm25 weighs the title column ten times the body; PostgreSQL weighs the title 'A'
and the body 'D'. ``services/search_index.py`` writes the rows in the article's own
transaction, so a published article is found at once, without a worker.
"""

from __future__ import annotations

import re

from django.db import connection

TABLE = "knowledge_search"
MAX_TERMS = 8
MAX_HITS = 2000  # a search ranks at most this many best matches
TITLE_WEIGHT = 10.0  # FTS5: bm25 column weight of the title against the body's 1.0


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; everything else is dropped (no query syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def best_matches(
    query: str, *, limit: int = MAX_HITS, title_only: bool = False
) -> list[tuple[float, int]]:
    """The best ``(rank, article id)`` pairs, lower rank first, from one index query; every
    word must match (as a prefix, so "print" finds "printer" while typing). ``title_only``
    looks at titles (and numbers) alone: far fewer rows to rank for a common word."""
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        weight = "A" if title_only else ""
        tsquery = " & ".join(f"{w}:*{weight}" for w in words)
        # weights {D, C, B, A}: a title hit counts ten times one in the body
        sql = (
            "SELECT -(ts_rank('{0.1, 0.2, 0.4, 1.0}', s.document, q)::float8) AS r, "  # noqa: S608
            f"s.article_id FROM {TABLE} s, to_tsquery('simple', %s) q "
            "WHERE s.document @@ q ORDER BY r, s.article_id LIMIT %s"
        )
    else:
        tsquery = " ".join(f'"{w}"*' for w in words)
        if title_only:
            tsquery = f"title : ({tsquery})"
        sql = (
            f"SELECT bm25({TABLE}, {TITLE_WEIGHT}, 1.0) AS r, rowid FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY r, rowid LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, limit])
        return [(float(r), int(i)) for r, i in cursor.fetchall()]
