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
CANDIDATES = 1000  # the ranked cut-off: matches ranked per query, the newest articles first
TITLE_WEIGHT = 10.0  # FTS5: bm25 column weight of the title against the body's 1.0


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; everything else is dropped (no query syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def best_matches(
    query: str, *, limit: int = MAX_HITS, title_only: bool = False
) -> list[tuple[float, int]]:
    """The best ``(rank, article id)`` pairs, lower rank first, from one index query; every
    word must match (as a prefix, so "print" finds "printer" while typing). ``title_only``
    looks at titles (and numbers) alone: far fewer rows to rank for a common word.

    A ranked cut-off: the index ranks at most ``CANDIDATES`` matches, the newest articles
    first, so a word found in tens of thousands of articles costs a bounded ranking instead
    of one per match (below the cut-off every match is ranked, as before)."""
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        # the title-only query reads the title's own tsvector and GIN index (migration 0003):
        # a weight-restricted query on the whole document would fetch and recheck every
        # article mentioning the word anywhere
        column = "title" if title_only else "document"
        tsquery = " & ".join(f"{w}:*" for w in words)
        # weights {D, C, B, A}: a title hit counts ten times one in the body
        sql = (
            "SELECT -(ts_rank('{0.1, 0.2, 0.4, 1.0}', c.document, q)::float8) AS r, "  # noqa: S608
            f"c.article_id FROM (SELECT s.article_id, s.document FROM {TABLE} s "
            f"WHERE s.{column} @@ to_tsquery('simple', %s) "
            # "+ 0": the newest matches by sorting the GIN's matches, never by walking the
            # primary key backwards through every article until enough match
            "ORDER BY s.article_id + 0 DESC LIMIT %s) c, to_tsquery('simple', %s) q "
            "ORDER BY r, c.article_id LIMIT %s"
        )
        params = [tsquery, CANDIDATES, tsquery, limit]
    else:
        tsquery = " ".join(f'"{w}"*' for w in words)
        if title_only:
            tsquery = f"title : ({tsquery})"
        # FTS5 yields matches by rowid, newest first here, and stops at the inner LIMIT
        sql = (
            f"SELECT r, rowid FROM (SELECT bm25({TABLE}, {TITLE_WEIGHT}, 1.0) AS r, rowid "  # noqa: S608
            f"FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s) "
            "ORDER BY r, rowid LIMIT %s"
        )
        params = [tsquery, CANDIDATES, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(float(r), int(i)) for r, i in cursor.fetchall()]
